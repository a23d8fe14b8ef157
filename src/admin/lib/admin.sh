# shellcheck shell=sh
# Shared by the untochat-* admin tools (installed as
# /usr/lib/untochat/admin.sh and sourced, never run). Each tool sets
#   prog   its own name
#   about  one line saying what it does
#   args   what it takes after its name, if not just NAME
# before sourcing, then calls admin_name "$@", which handles --help and
# usage errors, insists on root and leaves the checked NAME in $name (and
# an optional second argument, when args allows one, in $arg2).
: "${prog:?} ${about:?}" "${args:=NAME}"
# ACCOUNT_NAME_ERE (src/constants in the source tree).
# shellcheck source=src/constants
. /usr/lib/untochat/constants

die() {
	echo "$prog: $*" >&2
	exit 1
}

usage() {
	echo "usage: $prog $args" >&2
	exit 2
}

# shellcheck disable=SC2034 # arg2 is for the tools that source this
admin_name() {
	case ${1-} in
	-h | --help)
		echo "usage: $prog $args"
		echo "$about"
		echo "NAME is 1-31 of a-z 0-9 _ - and starts with a letter. See $prog(8)."
		exit 0
		;;
	esac
	arg2=''
	case $args in
	*" [KEY.pub]") [ $# -eq 1 ] || [ $# -eq 2 ] || usage; arg2=${2-} ;;
	*) [ $# -eq 1 ] || usage ;;
	esac
	name=$1
	[ "$(id -u)" -eq 0 ] || die "must run as root (sudo)"
	printf '%s\n' "$name" | grep -Eqx "$ACCOUNT_NAME_ERE" ||
		die "$name: a name is 1-31 of a-z 0-9 _ - and starts with a letter"
}

# new_account: refuses a NAME already taken by an account or a group, and
# arranges that the account is removed again unless account_done is called
# (on any failure, or when the tool is interrupted), and that the
# directory $scratch (on tmpfs, if the tool makes one) is removed always.
new_account() {
	! getent passwd "$name" >/dev/null || die "$name: the account exists already"
	! getent group "$name" >/dev/null || die "$name: a group of that name exists"
	account_ok=0
	undo_files=''
	scratch=''
	trap '[ -z "$scratch" ] || rm -rf -- "$scratch"; [ "$account_ok" -eq 1 ] || { userdel --remove "$name" 2>/dev/null; remove_made; } || :' EXIT
	trap 'exit 1' INT TERM HUP
}

# remove_made: removes the files the tool has made for NAME (each and its
# .new); names are checked, so the list splits safely.
remove_made() {
	for f in $undo_files; do
		rm -f -- "$f" "$f.new"
	done
}

account_done() {
	account_ok=1
	echo "$prog: $name added"
}

# NAME's ssh public key, in root's hands: sshd reads it from here
# (AuthorizedKeysFile), never from the home.
ssh_keys=/etc/ssh/authorized_keys

# ssh_key [KEY.pub]: NAME's ssh public key into $key: one line, ed25519
# (what sshd accepts), kept without its comment (which tends to name a
# person or a machine). Without KEY.pub a new pair is made in $scratch
# (tmpfs), its private half for print_ssh_key. Call after new_account.
ssh_key() {
	if [ -n "${1-}" ]; then
		{ [ -f "$1" ] && [ -r "$1" ]; } || die "$1: not a readable file"
		key=$(head -c 8192 -- "$1")
		[ "$(printf '%s\n' "$key" | grep -c .)" -eq 1 ] ||
			die "$1: not one line (one ssh public key)"
		set -f
		# shellcheck disable=SC2086 # split into type, key and comment
		set -- "$1" $key
		set +f
		case ${2-} in
		ssh-ed25519 | sk-ssh-ed25519@openssh.com) ;;
		*) die "$1: not an ed25519 ssh public key (ssh-keygen -t ed25519)" ;;
		esac
		key="$2 ${3-}"
		printf '%s\n' "$key" | ssh-keygen -l -f - >/dev/null 2>&1 ||
			die "$1: not a valid ssh public key"
	else
		scratch=$(mktemp -d "/run/$prog.XXXXXX")
		ssh-keygen -q -t ed25519 -N '' -C '' -f "$scratch/key" ||
			die "cannot make an ssh key"
		key=$(cut -d ' ' -f 1,2 "$scratch/key.pub")
	fi
}

# install_ssh_key: puts $key in place for sshd (undone on failure).
install_ssh_key() {
	install -d -m 0755 -o root -g root "$ssh_keys"
	undo_files="$undo_files $ssh_keys/$name"
	printf '%s\n' "$key" >"$ssh_keys/$name.new"
	chmod 0644 "$ssh_keys/$name.new"
	mv "$ssh_keys/$name.new" "$ssh_keys/$name"
}

# print_ssh_key: the private half ssh_key made, if it made one; shown only
# now.
print_ssh_key() {
	[ -n "$scratch" ] || return 0
	cat <<INFO

$name logs in over ssh with this private key (OpenSSH format, no
passphrase: add one with ssh-keygen -p). It is shown only now and kept
nowhere here; give it to $name by a safe way:
INFO
	cat "$scratch/key"
}

# The sshd onion service and its client authorization (tor-prepare, torrc).
onion_dir=/var/lib/tor/untochat-ssh

onion_address() {
	[ -s "$onion_dir/hostname" ] ||
		die "tor has not made the onion service yet ($onion_dir/hostname)"
	cat "$onion_dir/hostname"
}

# tor_restart_later: tor reads authorized_clients only when it starts (its
# sandbox forbids rereading them), and a restart ends every session that
# runs through the onion service, the admin's own too if it came that way.
# So systemd restarts tor 5 s from now, after this tool has printed what
# it has to say, whether or not the session survives. Restarts coalesce:
# one still to come reads this change too; one under way may have read the
# keys already, so the next one waits for it to end. (tor refuses more
# than 5 starts in 10 s.) The unit is untochat-tor-restart.
tor_restart_later() {
	restart_note="tor restarts in 5 seconds to load the change: every session through the onion service ends then."
	systemctl -q is-active untochat-tor-restart.timer && return
	i=0
	while [ -n "$(systemctl list-units --all --plain --no-legend untochat-tor-restart.service)" ]; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || die "tor's last restart has not ended in 60 s"
		sleep 0.1
	done
	systemd-run --quiet --collect --unit=untochat-tor-restart \
		--on-active=5s --timer-property=AccuracySec=100ms \
		--timer-property=RemainAfterElapse=no \
		systemctl restart tor@default.service ||
		systemctl -q is-active untochat-tor-restart.timer ||
		die "cannot schedule tor's restart"
}

# issue_onion_key: makes NAME's key for the onion service (v3 client
# authorization), gives tor the public half and schedules tor's restart.
# The private half stays in this shell's memory only, for print_onion_key;
# new_account's undo removes the public half again if the tool fails later.
issue_onion_key() {
	onion=$(onion_address)
	pem=$(openssl genpkey -algorithm x25519)
	priv=$(printf '%s\n' "$pem" | openssl pkey -outform DER | tail -c 32 | base32 | tr -d '=')
	pub=$(printf '%s\n' "$pem" | openssl pkey -pubout -outform DER | tail -c 32 | base32 | tr -d '=')
	pem=''
	{ [ "${#priv}" -eq 52 ] && [ "${#pub}" -eq 52 ]; } || die "cannot make the client key"
	auth=$onion_dir/authorized_clients/$name.auth
	undo_files="$undo_files $auth"
	printf 'descriptor:x25519:%s\n' "$pub" >"$auth.new"
	chown debian-tor:debian-tor "$auth.new"
	chmod 0600 "$auth.new"
	mv "$auth.new" "$auth"
	tor_restart_later
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

$restart_note
INFO
	priv=''
}
