# shellcheck shell=sh
# An admin's shell over ssh ends after 15 idle minutes at its prompt, like
# untosh's prompt does: a forgotten root-capable session is not left open.
# (The console is the hypervisor owner's and is left alone.)
if [ -n "${SSH_CONNECTION-}" ]; then
	TMOUT=900
	readonly TMOUT
	export TMOUT
fi
