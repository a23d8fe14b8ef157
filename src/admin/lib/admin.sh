# shellcheck shell=sh
# Shared by the untochat-* admin tools (installed as
# /usr/lib/untochat/admin.sh and sourced, never run). Each tool sets
#   prog   its own name
#   about  one line saying what it does
# before sourcing, then calls admin_name "$@", which handles --help and
# usage errors, insists on root and leaves the checked NAME in $name.
: "${prog:?} ${about:?}"

die() {
	echo "$prog: $*" >&2
	exit 1
}

usage() {
	echo "usage: $prog NAME" >&2
	exit 2
}

admin_name() {
	case ${1-} in
	-h | --help)
		echo "usage: $prog NAME"
		echo "$about"
		echo "NAME is 1-31 of a-z 0-9 _ - and starts with a letter. See $prog(8)."
		exit 0
		;;
	esac
	[ $# -eq 1 ] || usage
	name=$1
	[ "$(id -u)" -eq 0 ] || die "must run as root (sudo)"
	printf '%s\n' "$name" | grep -Eqx '[a-z][a-z0-9_-]{0,30}' ||
		die "$name: a name is 1-31 of a-z 0-9 _ - and starts with a letter"
}

# new_account: refuses a NAME already taken by an account or a group, and
# arranges that the account is removed again unless account_done is called
# (on any failure, or when the tool is interrupted).
new_account() {
	! getent passwd "$name" >/dev/null || die "$name: the account exists already"
	! getent group "$name" >/dev/null || die "$name: a group of that name exists"
	account_ok=0
	undo_auth=''
	trap '[ "$account_ok" -eq 1 ] || { userdel --remove "$name" 2>/dev/null; [ -z "$undo_auth" ] || rm -f -- "$undo_auth" "$undo_auth.new"; } || :' EXIT
	trap 'exit 1' INT TERM HUP
}

account_done() {
	account_ok=1
	echo "$prog: $name added"
}

# The sshd onion service and its client authorization (tor-prepare, torrc).
onion_dir=/var/lib/tor/untochat-ssh

onion_address() {
	[ -s "$onion_dir/hostname" ] ||
		die "tor has not made the onion service yet ($onion_dir/hostname)"
	cat "$onion_dir/hostname"
}

# tor_reload: tor rereads authorized_clients.
tor_reload() {
	systemctl reload tor@default.service || die "cannot reload tor"
}

# issue_onion_key: makes NAME's key for the onion service (v3 client
# authorization), gives tor the public half and reloads it. The private
# half stays in this shell's memory only, for print_onion_key; new_account's
# undo removes the public half again if the tool fails later.
issue_onion_key() {
	onion=$(onion_address)
	pem=$(openssl genpkey -algorithm x25519)
	priv=$(printf '%s\n' "$pem" | openssl pkey -outform DER | tail -c 32 | base32 | tr -d '=')
	pub=$(printf '%s\n' "$pem" | openssl pkey -pubout -outform DER | tail -c 32 | base32 | tr -d '=')
	pem=''
	{ [ "${#priv}" -eq 52 ] && [ "${#pub}" -eq 52 ]; } || die "cannot make the client key"
	auth=$onion_dir/authorized_clients/$name.auth
	undo_auth=$auth
	printf 'descriptor:x25519:%s\n' "$pub" >"$auth.new"
	chown debian-tor:debian-tor "$auth.new"
	chmod 0600 "$auth.new"
	mv "$auth.new" "$auth"
	tor_reload
}

# print_onion_key: what NAME needs to reach the server; shown only now.
print_onion_key() {
	cat <<INFO

$name reaches this server at:
  $onion  (ssh port 22, through tor)
$name's tor client needs this line in a file ending in .auth_private in
its ClientOnionAuthDir (e.g. $name.auth_private). It is shown only now and
kept nowhere here; give it to $name by a safe way:
  ${onion%.onion}:descriptor:x25519:$priv
INFO
	priv=''
}
