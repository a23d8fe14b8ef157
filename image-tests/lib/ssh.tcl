# ssh sessions inside a guest, to its own sshd on 127.0.0.1, driven from
# the guest's root shell (see lib/vm.tcl): for chat users (TEST-06) and for
# an admin over ssh (TEST-08).

# Options every ssh, scp and sftp here needs: the guest's host key is new
# on every boot and never recorded.
set ::sshopts "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"

# askpass VM USER PASSWORD: lets a non-interactive ssh log in as USER.
proc askpass {vm user pass} {
	assert_ok $vm "printf '#!/bin/sh\\necho %s\\n' '$pass' >/run/askpass-$user && chmod 700 /run/askpass-$user"
}
# sshcmd USER: an ssh command line that takes its password from askpass.
proc sshcmd {user} {
	return "SSH_ASKPASS=/run/askpass-$user SSH_ASKPASS_REQUIRE=force ssh $::sshopts -o LogLevel=ERROR -o PubkeyAuthentication=no $user@127.0.0.1"
}
# session VM USER [OPTS]: starts an interactive ssh session in the
# background, on a pty of its own (script): what the user sees goes to
# /run/s-USER.log, what is written to the fifo /run/in-USER is typed (see
# type_in). OPTS are more ssh options.
proc session {vm user {opts ""}} {
	assert_ok $vm "rm -f /run/s-$user.log /run/in-$user; mkfifo /run/in-$user; setsid -f sh -c 'exec sleep 3600 >/run/in-$user'; setsid -f script -qfc '[sshcmd $user] -tt $opts' /run/s-$user.log </run/in-$user >/dev/null 2>&1"
}
proc type_in {vm user text} {
	assert_ok $vm "printf '$text' >/run/in-$user"
}
# wait_for VM FILE RE: waits up to 60 s for FILE to match RE; returns it.
proc wait_for {vm file re} {
	guest $vm "for i in \$(seq 120); do grep -Eq '$re' $file 2>/dev/null && break; sleep 0.5; done; cat $file" 90
	if {![regexp -- $re $::out]} { error "no /$re/ in $file:\n$::out" }
	return $::out
}
