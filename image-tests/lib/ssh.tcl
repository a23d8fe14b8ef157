# SPDX-License-Identifier: GPL-2.0-or-later
# ssh sessions inside a guest, to its own sshd on 127.0.0.1, driven from
# the guest's root shell (see lib/vm.tcl): for chat users (TEST-06) and for
# an admin over ssh (TEST-08).

# Options every ssh, scp and sftp here needs: the guest's host key is new
# on every boot and never recorded.
set ::sshopts "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"

# askpass VM USER PASSWORD: lets a non-interactive ssh log in as USER.
proc askpass {vm user pass} {
	assert_ok $vm "printf '#!/bin/sh\\necho %s\\n' '$pass' >/run/askpass-$user && chmod 700 /run/askpass-$user"
	set ::askpass($user) 1
}
# sshpasscmd USER: an ssh command line that offers the password (askpass)
# and no key.
proc sshpasscmd {user} {
	return "SSH_ASKPASS=/run/askpass-$user SSH_ASKPASS_REQUIRE=force ssh $::sshopts -o LogLevel=ERROR -o PubkeyAuthentication=no $user@127.0.0.1"
}
# sshkeycmd USER [KEY]: an ssh command line that offers the private key KEY
# (default ::sshkey(USER)) and nothing else.
proc sshkeycmd {user {key ""}} {
	if {$key eq ""} { set key $::sshkey($user) }
	return "ssh $::sshopts -o LogLevel=ERROR -o BatchMode=yes -o IdentitiesOnly=yes -i $key $user@127.0.0.1"
}
# sshbothcmd USER [KEY]: offers the key KEY (default ::sshkey(USER)), then
# the password (askpass): how a chat user logs in.
proc sshbothcmd {user {key ""}} {
	if {$key eq ""} { set key $::sshkey($user) }
	return "SSH_ASKPASS=/run/askpass-$user SSH_ASKPASS_REQUIRE=force ssh $::sshopts -o LogLevel=ERROR -o IdentitiesOnly=yes -i $key $user@127.0.0.1"
}
# sshcmd USER: how USER logs in: with the key in ::sshkey(USER), and the
# password when askpass has one (chat users need both, admins the key).
proc sshcmd {user} {
	if {[info exists ::askpass($user)]} { return [sshbothcmd $user] }
	return [sshkeycmd $user]
}
# keep_key VM NAME CMD: runs CMD (an untochat-add-* tool making NAME),
# keeps the private ssh key it prints (once) in /run/NAME.key, notes it in
# ::sshkey(NAME) and returns what CMD printed.
proc keep_key {vm name cmd} {
	set out [assert_ok $vm "if $cmd >/run/$name.out; then sed -n '/BEGIN OPENSSH PRIVATE KEY/,/END OPENSSH PRIVATE KEY/p' /run/$name.out >/run/$name.key; chmod 600 /run/$name.key; cat /run/$name.out; rm /run/$name.out; grep -q 'END OPENSSH PRIVATE KEY' /run/$name.key; else cat /run/$name.out; rm -f /run/$name.out; false; fi"]
	set ::sshkey($name) /run/$name.key
	return $out
}
# add_admin VM NAME PASSWORD: makes the admin NAME with untochat-add-admin
# and keeps the key it made (keep_key).
proc add_admin {vm name pass} {
	keep_key $vm $name "printf '%s\\n' '$pass' '$pass' | untochat-add-admin $name"
}
# add_user VM NAME PASSWORD: makes the chat user NAME with
# untochat-add-user, keeps the key it made (keep_key) and gives askpass
# the password (the first one, to change at the first login). Returns
# what the tool printed.
proc add_user {vm name pass} {
	set out [keep_key $vm $name "printf '%s\\n' '$pass' '$pass' | untochat-add-user $name"]
	askpass $vm $name $pass
	return $out
}
# session VM USER [OPTS]: starts an interactive ssh session in the
# background, on a pty of its own (script): what the user sees goes to
# /run/s-USER.log, what is written to the fifo /run/in-USER is typed (see
# type_in). OPTS are more ssh options.
proc session {vm user {opts ""}} {
	assert_ok $vm "rm -f /run/s-$user.log /run/in-$user; mkfifo /run/in-$user; setsid -f sh -c 'exec sleep 3600 >/run/in-$user'; setsid -f env TERM=xterm script -qfc 'stty cols 100 rows 30; [sshcmd $user] -tt $opts' /run/s-$user.log </run/in-$user >/dev/null 2>&1"
}
proc type_in {vm user text} {
	assert_ok $vm "printf '$text' >/run/in-$user"
}
# wait_for VM FILE RE [SECS]: waits up to SECS (60) for FILE to match RE
# (grep -E). On a miss, the error shows the end of FILE.
proc wait_for {vm file re {secs 60}} {
	set secs [secs $secs]
	guest $vm "end=\$((\$(date +%s) + $secs)); while \[ \$(date +%s) -lt \$end \]; do if grep -Eq '$re' $file 2>/dev/null; then echo WAITED-FOR-IT; break; fi; sleep 0.5; done; grep -Eq '$re' $file 2>/dev/null || tail -c 3000 $file | sed 's/\\x1b\\\[\[0-9;?\]*\[a-zA-Z\]//g' | tr -d '\\033'" [expr {$secs + 30}]
	if {![string match "*WAITED-FOR-IT*" $::out]} { error "no /$re/ in $file within ${secs}s; it ends:\n$::out" }
}
