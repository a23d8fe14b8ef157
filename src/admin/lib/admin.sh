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
	trap '[ "$account_ok" -eq 1 ] || userdel --remove "$name" 2>/dev/null || :' EXIT
	trap 'exit 1' INT TERM HUP
}

account_done() {
	account_ok=1
	echo "$prog: $name added"
}
