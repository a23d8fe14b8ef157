# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the VM tests (expect/Tcl): boot, unlock, log in, run a command
# in the guest over the serial console, and report checks by name.
#
# Set by the runner: ::IMAGE (pristine test image), ::WORK (scratch dir),
# ::PASSFILE (test passphrase on tmpfs), ::PASS, ::ADMIN and ::ADMINPASS
# (the secrets themselves), ::TOOLS (tools/ dir).
#
# Every bound on a wait, here and in the tests, is given in seconds for
# this 2-core runner and goes through [secs]: TIMEOUT_SCALE=N (a whole
# number, 1 unless set) multiplies them all, for slower runners. The
# waits for a booting machine count its CPU time (lib/cpuwait.tcl).

source [file join [file dirname [info script]] cpuwait.tcl]

set ::passed 0
set ::failed 0
set ::checks_run 0
set ::check_times {}
set ::failures {}
set ::seq 0
# Whole command outputs (luksDump, unit lists) must fit the match buffer.
match_max -d 262144
array set ::vm {}

set ::SCALE 1
if {[info exists ::env(TIMEOUT_SCALE)] && $::env(TIMEOUT_SCALE) ne ""} {
	set ::SCALE $::env(TIMEOUT_SCALE)
	if {![string is integer -strict $::SCALE] || $::SCALE < 1} {
		puts stderr "TIMEOUT_SCALE must be a whole number of at least 1, not '$::SCALE'"
		exit 2
	}
}
proc secs {n} { return [expr {$n * $::SCALE}] }

proc readfile {f} {
	set fd [open $f]
	set s [read -nonewline $fd]
	close $fd
	return $s
}

proc note {msg} {
	puts "# [clock format [clock seconds] -format %T] $msg"
}

# machines_cpu: for each machine of this runner whose qemu runs, its
# process (qemu, or lib/autounlock) and the CPU seconds it and its
# descendants have used (lib/cpuwait.tcl).
proc machines_cpu {} {
	set l {}
	foreach k [array names ::vm *,id] {
		if {[catch { exp_pid -i $::vm($k) } pid]} continue
		lappend l $pid [tree_cpu $pid]
	}
	return $l
}

# machines_cpu_since BEFORE: the CPU seconds, rounded, that the machines
# running now used since BEFORE (a machines_cpu list). What a machine that
# ended in between used is not known: then the number is followed by "+"
# (at least that much). A machine that both started and ended in between
# (TEST-13's copies) is neither counted nor marked.
proc machines_cpu_since {before} {
	array set b $before
	set t 0
	foreach {pid c} [machines_cpu] {
		set t [expr {$t + $c - ([info exists b($pid)] ? $b($pid) : 0)}]
		unset -nocomplain b($pid)
	}
	return [format %.0f%s $t [expr {[array size b] ? "+" : ""}]]
}

# check SENTENCE BODY: one named check; an error inside BODY fails it.
# Each check's time (and the CPU this runner's machines used meanwhile)
# goes to ::check_times, which the runner sums up.
# before_check runs first: the runner starts machines there (a no-op here).
proc before_check {} {}
proc check {sentence body} {
	incr ::checks_run
	before_check
	set t0 [clock seconds]
	set c0 [machines_cpu]
	set failed [catch {uplevel 1 $body} err]
	lappend ::check_times [list [expr {[clock seconds] - $t0}] $sentence [machines_cpu_since $c0]]
	if {$failed} {
		incr ::failed
		lappend ::failures $sentence
		puts "not ok - $sentence"
		foreach l [split $err "\n"] { puts "#   $l" }
	} else {
		incr ::passed
		puts "ok - $sentence"
	}
}

# A failed boot is not an assertion failure: it says so, and every check
# that needed the machine fails with that reason. SPENT (lib/cpuwait.tcl's
# wait_spent) says what the wait used, where its bound is the machine's CPU.
proc boot_failed {name what secs {spent ""}} {
	set how [expr {$spent eq "" ? "${secs}s" : "${secs}s of its CPU ($spent)"}]
	set ::vm($name,dead) "$name did not $what within $how (serial log: $::vm($name,log))"
	error $::vm($name,dead)
}

# vm_start NAME: boots a fresh copy of the test image as NAME, with the
# qemu options in ::vm(NAME,qemu) if set (run-vm gives no network). The
# copy is a qcow2 overlay: the pristine image is its read-only backing
# file, and only what NAME writes takes space.
# With ::vm(NAME,base) set (a disk vm_keep_booted kept), the copy is an
# overlay of that disk instead: a machine past its first boot.
proc vm_start {name} {
	catch { unset ::vm($name,disk) }
	set img [vm_disk $name]
	file delete -force $img $img.efivars
	if {[info exists ::vm($name,base)]} {
		exec qemu-img create -q -f qcow2 -F qcow2 -b $::vm($name,base) $img
		note "$name: a copy of [file tail $::vm($name,base)], past its first boot"
	} else {
		exec qemu-img create -q -f qcow2 -F raw -b [file normalize $::IMAGE] $img
	}
	set ::vm($name,log) $::WORK/$name.serial
	set ::vm($name,boots) 0
	set ::vm($name,starts) 0
	log_file -noappend $::vm($name,log)
	log_file
	return [vm_boot $name]
}

# vm_disk NAME: NAME's disk, an overlay of the test image (after
# vm_keep_booted, an overlay of the disk it kept).
proc vm_disk {name} {
	if {[info exists ::vm($name,disk)]} { return $::vm($name,disk) }
	return $::WORK/$name.qcow2
}

# vm_keep_booted NAME: keeps NAME's disk as it is now, past its first boot
# (root re-keyed, keys made), for machines that need no first boot of
# their own: returns that disk, which NAME no longer writes. The guest
# flushes what it wrote; then qemu's monitor switches NAME to a new
# overlay of it (snapshot_blkdev), at once, while NAME runs on. What the
# kept disk holds is what a power cut then would leave. NAME's firmware
# variables go with the new overlay (qemu writes on in the file it has
# open), and the kept disk gets a copy of them.
proc vm_keep_booted {name} {
	set kept [vm_disk $name]
	set live $::WORK/$name.live.qcow2
	file delete -force $live
	assert_ok $name sync
	vm_monitor $name "snapshot_blkdev disk $live qcow2" 60
	set info [vm_monitor $name "info block disk" 60]
	if {![string match "*: $live (qcow2)*" $info] || ![string match "*Backing file: *$kept (chain depth: 2)*" $info]} {
		error "$name: its disk is not a new overlay of $kept:\n$info"
	}
	set ::vm($name,disk) $live
	file rename -force $kept.efivars $live.efivars
	file copy $live.efivars $kept.efivars
	# The console is the root shell's again.
	guest $name true
	return $kept
}

# vm_monitor NAME CMD [SECS]: runs CMD in qemu's monitor on NAME's
# console (Ctrl-a c switches to it and back) and returns what it printed.
proc vm_monitor {name cmd {secs 30}} {
	set sid $::vm($name,id)
	set timeout [secs $secs]
	send -i $sid "\001c"
	expect -i $sid "(qemu) " {} timeout { error "$name: no monitor prompt" }
	send -i $sid "$cmd\r"
	expect -i $sid -re {\r\n(.*)\(qemu\) $} {} timeout { error "$name: monitor: $cmd: no answer within ${secs}s" }
	set out $expect_out(1,string)
	send -i $sid "\001c"
	return $out
}

# vm_raw NAME: NAME's disk as a raw image (for the host to read).
proc vm_raw {name} {
	set raw $::WORK/$name.raw
	exec qemu-img convert -f qcow2 -O raw [vm_disk $name] $raw
	return $raw
}

# partitions IMAGE: {number name start size} of each partition of the raw
# image IMAGE (sizes in 512-byte sectors), from sfdisk's JSON. A machine's
# disk has the test image's partitions.
proc partitions {img} {
	return [exec sfdisk -J $img | /usr/bin/python3 -c {
import json, re, sys
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    print(re.search(r"(\d+)$", p["node"]).group(1), p.get("name") or "-", p["start"], p["size"])}]
}

# part IMAGE NAME: {start size} of IMAGE's partition NAME (sectors).
proc part {img name} {
	foreach {n pname start size} [partitions $img] {
		if {$pname eq $name} { return [list $start $size] }
	}
	error "$img has no partition named $name"
}

# part_start IMAGE NAME: the first sector of IMAGE's partition NAME.
proc part_start {img name} {
	return [lindex [part $img $name] 0]
}

# region IMAGE START COUNT FILE: copies 512-byte sectors of the raw image
# IMAGE to FILE.
proc region {img start count file} {
	exec dd if=$img of=$file bs=512 skip=$start count=$count status=none
}

# disk_region NAME START COUNT FILE: the same from NAME's disk, also while
# it runs (qemu's lock is shared: -U; the guest's flushes have reached the
# file, run-vm's cache mode).
proc disk_region {name start count file} {
	exec qemu-img convert -U -O raw --image-opts \
	    driver=raw,offset=[expr {$start * 512}],size=[expr {$count * 512}],file.driver=qcow2,file.file.filename=[vm_disk $name] \
	    $file
}

# part_sha256 NAME PART: the SHA-256 of the partition named PART (the test
# image's partition names) on NAME's disk, whole, once the guest has
# flushed what it wrote. Hashed on the host: sha256sum in the guest under
# TCG did 17 MB/s (the 256 MiB ESP in 15.5 s).
proc part_sha256 {name part} {
	lassign [part $::IMAGE $part] start size
	assert_ok $name sync
	set f /dev/shm/untochat-part.[pid]
	disk_region $name $start $size $f
	set sum [lindex [exec sha256sum $f] 0]
	file delete $f
	return $sum
}

# vm_boot NAME: starts qemu on NAME's disk as it is.
proc vm_boot {name} {
	set ::vm($name,t0) [clock seconds]
	incr ::vm($name,starts)
	log_file -a $::vm($name,log)
	log_user 0
	set extra [expr {[info exists ::vm($name,qemu)] ? $::vm($name,qemu) : {}}]
	set ::vm($name,qemu_disk) [vm_disk $name]
	set cmd [list $::TOOLS/run-vm [vm_disk $name] {*}$extra]
	# ::vm(NAME,env): VAR=VALUE settings for run-vm (its CPUFLAGS).
	if {[info exists ::vm($name,env)]} { set cmd [list env {*}$::vm($name,env) {*}$cmd] }
	if {[info exists ::vm($name,auto)]} {
		set cmd [list $::here/lib/autounlock $::PASSFILE [secs 600] {*}$cmd]
	}
	spawn -noecho {*}$cmd
	set ::vm($name,id) $spawn_id
	catch { unset ::vm($name,dead) }
	catch { unset ::vm($name,root) }
	catch { unset ::vm($name,off) }
	log_file
	note "$name: started"
	return $spawn_id
}

proc vm_sid {name} {
	if {[info exists ::vm($name,dead)]} { error $::vm($name,dead) }
	return $::vm($name,id)
}

# vm_prompt NAME [SECS]: waits for the disk passphrase prompt, then, unless
# autounlock types the passphrase for this machine (vm_preboot: its
# console may already hold the login prompt), until the console has been
# quiet for 2 s (console_settle). SECS bounds the machine's CPU time
# (lib/cpuwait.tcl).
proc vm_prompt {name {secs 180}} {
	set secs [secs $secs]
	set sid [vm_sid $name]
	log_file -a $::vm($name,log)
	set w [wait_start $sid]
	set timeout $::wait_step
	expect -i $sid -re {Please enter passphrase for disk ([a-z]+): } {
		set disk $expect_out(1,string)
	} timeout {
		if {[wait_within $w $secs]} exp_continue
		log_file; boot_failed $name "ask for the disk passphrase" $secs [wait_spent $w]
	} eof {
		log_file; boot_failed $name "ask for the disk passphrase (qemu exited)" $secs
	}
	if {![info exists ::vm($name,auto)]} { console_settle $sid }
	log_file
	return $disk
}

# console_settle SID: returns once SID has printed nothing for 2 s (at
# most 30 s, times TIMEOUT_SCALE). systemd's console password agent
# sometimes draws the prompt, gives up at once and draws it again; a
# passphrase typed in between is echoed on the console, or lost and the
# boot waits for ever (both seen under TCG). A person types after that.
proc console_settle {sid} {
	set end [expr {[clock seconds] + [secs 30]}]
	set timeout 2
	set quiet 0
	while {!$quiet && [clock seconds] < $end} {
		expect -i $sid -re {.+} {} timeout { set quiet 1 } eof { set quiet 1 }
	}
}

# vm_send NAME TEXT: types TEXT and Enter on the console.
proc vm_send {name text} {
	send -i [vm_sid $name] -- "$text\r"
}

# vm_wait_login NAME [SECS]: after the passphrase; fails if asked again.
# SECS bounds the machine's CPU time (lib/cpuwait.tcl).
proc vm_wait_login {name {secs 240}} {
	set secs [secs $secs]
	set sid [vm_sid $name]
	log_file -a $::vm($name,log)
	set w [wait_start $sid]
	set timeout $::wait_step
	expect -i $sid "login: " {
	} -re {Please enter passphrase for disk ([a-z]+)} {
		log_file; error "asked for the passphrase of $expect_out(1,string) again"
	} timeout {
		if {[wait_within $w $secs]} exp_continue
		log_file; boot_failed $name "reach the login prompt" $secs [wait_spent $w]
	} eof {
		log_file; boot_failed $name "reach the login prompt (qemu exited)" $secs
	}
	log_file
	incr ::vm($name,boots)
	set ::vm($name,login_s) [expr {[clock seconds] - $::vm($name,t0)}]
	set bg [expr {[info exists ::vm($name,auto)] ? ", booted in the background: an upper bound" : ""}]
	note "$name: login prompt after $::vm($name,login_s)s (boot $::vm($name,boots)$bg; the wait for it: [wait_spent $w])"
}

# vm_answer NAME PROMPT [REPLY]: waits up to 60 s for PROMPT, then types
# REPLY and Enter, if a reply is given.
proc vm_answer {name prompt args} {
	set sid [vm_sid $name]
	log_file -a $::vm($name,log)
	set timeout [secs 60]
	expect -i $sid $prompt {} timeout { log_file; error "no '$prompt' prompt" }
	if {[llength $args]} { send -i $sid -- "[lindex $args 0]\r" }
	log_file
}

# vm_login NAME USER PASSWORD: console login; ends at a shell prompt.
# A name typed while systemd still starts units on the console can be
# lost: the login prompt comes back instead of "Password:" (seen once at a
# first boot, issue 19's note). The name is typed again then, at most
# twice more, and each time it is said.
proc vm_login {name user pass} {
	set sid [vm_sid $name]
	for {set try 1} {1} {incr try} {
		vm_send $name $user
		log_file -a $::vm($name,log)
		set timeout [secs 60]
		expect -i $sid "Password:" {
			log_file
			break
		} "login: " {
			if {$try == 3} { log_file; error "the login prompt came back $try times" }
			note "$name: the login prompt came back after the name (try $try)"
			# Until the console is quiet (2 s, at most 30 s): a stale
			# prompt may have been matched, and a "Password:" after it
			# answers the name already typed.
			set seen ""
			set end [expr {[clock seconds] + [secs 30]}]
			set timeout 2
			while {[clock seconds] < $end} {
				expect -i $sid -re {.+} { append seen $expect_out(buffer) } timeout break eof break
			}
			log_file
			if {[string match "*Password:*" $seen]} break
		} timeout { log_file; error "no 'Password:' prompt" }
	}
	vm_send $name $pass
	log_file -a $::vm($name,log)
	set timeout [secs 60]
	expect -i $sid -re {\$ $} {} -re {Login incorrect} {
		log_file; error "login of $user refused"
	} timeout { log_file; error "no shell prompt for $user" }
	log_file
}

# vm_root NAME: from the admin's shell to a root shell set up for guest.
proc vm_root {name} {
	vm_send $name "sudo -i"
	vm_answer $name "password for" $::ADMINPASS
	set sid [vm_sid $name]
	log_file -a $::vm($name,log)
	set timeout [secs 60]
	expect -i $sid -re {# $} {} timeout { log_file; error "sudo gave no root shell" }
	# A quiet, machine-readable shell: no echo, no colours, no pager,
	# no kernel messages on the console, no history file.
	send -i $sid -- "stty -echo; export PS1='' PS2='' TERM=dumb SYSTEMD_COLORS=0 SYSTEMD_PAGER= PAGER=cat; unset HISTFILE; bind 'set enable-bracketed-paste off'; dmesg -n 1\r"
	log_file
	guest $name true
	set ::vm($name,root) 1
	# The console's login prompt comes before the network and sshd are
	# up (systemd-user-sessions.service): tests start once the boot has
	# finished. A degraded state is TEST-03's to report, not a boot failure.
	guest $name "systemctl is-system-running --wait" 300
}

# vm_pass NAME: the disk passphrase of NAME (the test passphrase unless a
# test changed it: set ::vm(NAME,pass)).
proc vm_pass {name} {
	if {[info exists ::vm($name,pass)]} { return $::vm($name,pass) }
	return $::PASS
}

# vm_up NAME: a machine at a root shell, booting it if needed, or taking
# over one that vm_preboot started. It never fails itself: a machine that
# does not come up is marked dead, so that every check that needs it
# fails by its own name (vm_sid).
proc vm_up {name} {
	if {![info exists ::vm($name,id)]} {
		catch { unset ::vm($name,auto) }
		set steps { vm_start $name; vm_unlock $name }
	} elseif {[info exists ::vm($name,auto)] && ![info exists ::vm($name,dead)]} {
		# The prompt and the passphrase typed by lib/autounlock are still
		# in the console stream: read past them to the login prompt.
		set steps { vm_prompt $name 600; vm_wait_login $name 600; vm_login $name $::ADMIN $::ADMINPASS; vm_root $name }
	} else {
		return $name
	}
	if {[catch $steps err]} {
		if {![info exists ::vm($name,dead)]} {
			set ::vm($name,dead) "$name did not come up: $err"
		}
		note $::vm($name,dead)
	}
	# Later boots of NAME (vm_restart) are unlocked by the suite again.
	catch { unset ::vm($name,auto) }
	return $name
}

# vm_preboot NAME: starts a fresh copy of the test image as NAME, which a
# later test needs, and lets it boot to its login prompt by itself
# (lib/autounlock types the test passphrase) on the other core while the
# suite works on another machine; vm_up NAME takes it over. Does nothing
# if NAME is running.
proc vm_preboot {name} {
	if {[info exists ::vm($name,id)]} return
	set ::vm($name,auto) 1
	if {[catch { vm_start $name } err]} {
		set ::vm($name,dead) "$name did not start: $err"
		note $::vm($name,dead)
	}
}

# guest NAME CMD [SECS]: runs CMD in the guest's root shell; sets ::out
# (stdout and stderr, CR removed) and ::rc; returns ::out.
proc guest {name cmd {secs 120}} {
	set secs [secs $secs]
	set sid [vm_sid $name]
	set tag "Q[pid]x[incr ::seq]"
	log_file -a $::vm($name,log)
	set timeout $secs
	send -i $sid -- "printf '%s\\n' B$tag; { $cmd\n} </dev/null 2>&1; printf '%s %s\\n' E$tag \$?\r"
	expect -i $sid -re "B$tag\r*\n(.*?)E$tag (\[0-9]+)\r*\n" {
		set ::out [string trimright [string map {"\r" ""} $expect_out(1,string)] "\n"]
		set ::rc $expect_out(2,string)
	} timeout {
		# Ctrl-C ends the command (a write to a fifo nobody reads, say), so
		# that the next check finds a shell again instead of failing too;
		# its tags are new, so nothing of this command is taken for its.
		send -i $sid -- "\003"
		log_file; error "guest command timed out after ${secs}s: $cmd"
	} eof {
		log_file; boot_failed $name "answer (qemu exited)" $secs
	}
	log_file
	return $::out
}

# guest_put NAME PATH FILE: copies the host's FILE to PATH in the guest
# (base64 in lines over the console), readable by every user: the shell's
# umask (027, login.defs) would leave it to root alone.
proc guest_put {name path file} {
	set fd [open $file rb]
	set b64 [binary encode base64 [read $fd]]
	close $fd
	assert_ok $name "rm -f $path.b64"
	for {set i 0} {$i < [string length $b64]} {incr i 1000} {
		assert_ok $name "printf '%s' '[string range $b64 $i [expr {$i + 999}]]' >>$path.b64"
	}
	assert_ok $name "base64 -d $path.b64 >$path && rm $path.b64 && chmod 0644 $path"
}

proc assert_ok {name cmd} {
	guest $name $cmd
	if {$::rc != 0} { error "command failed (status $::rc): $cmd\n$::out" }
	return $::out
}

# assert_fail NAME CMD: CMD ran and said no (status 1-125); a command
# that was not found (127), could not run (126) or was killed does not
# count as a refusal.
proc assert_fail {name cmd} {
	guest $name $cmd
	if {$::rc == 0} { error "command succeeded but must fail: $cmd\n$::out" }
	if {$::rc > 125} { error "command did not run (status $::rc): $cmd\n$::out" }
	return $::out
}

# assert_status NAME CMD STATUS: CMD exits with exactly STATUS (for grep,
# 1 is "not found" and 2 an error).
proc assert_status {name cmd want} {
	guest $name $cmd
	if {$::rc != $want} { error "status $::rc, want $want: $cmd\n$::out" }
	return $::out
}

# wait_until NAME CMD SECS: runs CMD in the guest every half second until
# it succeeds; fails once SECS (scaled) have passed without success.
proc wait_until {name cmd secs} {
	set s [secs $secs]
	guest $name "end=\$((\$(date +%s) + $s)); w=0; until { $cmd
} >/dev/null 2>&1; do if \[ \$(date +%s) -ge \$end \]; then w=1; break; fi; sleep 0.5; done; \[ \$w = 0 \]" [expr {$secs + 30}]
	if {$::rc != 0} { error "not within ${s}s: $cmd" }
}

# tor_settled VM: waits until the tor restart that the account tools
# schedule (untochat-tor-restart, src/admin/lib/admin.sh) has run, and tor
# is active again.
proc tor_settled {name} {
	wait_until $name "test -z \"\$(systemctl list-units --all --plain --no-legend 'untochat-tor-restart.*')\" && systemctl -q is-active tor@default.service" 60
}
# tor_run_id VM: the invocation ID of tor's current run (a new one at
# every start).
proc tor_run_id {name} {
	return [assert_ok $name "systemctl show -P InvocationID tor@default.service"]
}
# tor_restarted VM RUN: waits until tor runs again in a run other than
# RUN (a tor_run_id), and no restart of the account tools is pending.
proc tor_restarted {name run} {
	tor_settled $name
	wait_until $name "test \"\$(systemctl show -P InvocationID tor@default.service)\" != $run && systemctl -q is-active tor@default.service" 60
}

proc assert_eq {what got want} {
	if {$got ne $want} { error "$what: got '$got', want '$want'" }
}

proc assert_match {what re got} {
	if {![regexp -- $re $got]} { error "$what: '$got' does not match /$re/" }
}

# avc_check NAME: before a machine stops or restarts, one check that
# the boot logged no SELinux denial naming one of untochat's types and
# lost no audit record (lib/avc-summary); the other denials are counted
# in a note and listed in WORK/avc.log. Only a machine that powered off
# by itself (the kill switch) or never started is left out: one that
# failed to come up fails this check too, so the count never depends
# on how far a boot got.
proc avc_check {name} {
	if {![info exists ::vm($name,id)] || [info exists ::vm($name,off)]} return
	set b $::vm($name,starts)
	check "$name (boot $b) logged no SELinux denial for untochat's types" {
		if {![info exists ::vm($name,root)]} { vm_sid $name; error "$name has no root shell of the suite" }
		guest_put $name /run/avc-summary $::here/lib/avc-summary
		set out [assert_ok $name "sh /run/avc-summary"]
		set fd [open $::WORK/avc.log a]
		puts $fd "== $name boot $b\n$out"
		close $fd
		regexp {OURS ([0-9]+)} $out - ours
		regexp {OTHER ([0-9]+)} $out - other
		regexp {LOST ([0-9]+)} $out - lost
		note "$name (boot $b): SELinux denials: $ours for our types, $other others (WORK/avc.log), $lost lost-record lines"
		if {$ours != 0 || $lost != 0} { error "denials for our types or lost audit records:\n$out" }
	}
}

# vm_restart NAME: powers NAME off and boots its disk again in a new qemu
# (a cold boot; qemu's warm reset under TCG hung once in OVMF here).
proc vm_restart {name} {
	avc_check $name
	send -i [vm_sid $name] -- "systemctl poweroff\r"
	vm_poweroff_seen $name 120
	catch { unset ::vm($name,off) }
	vm_boot $name
}

# vm_unlock NAME: from the boot to a root shell: the passphrase at the
# prompt, the admin's console login, sudo.
proc vm_unlock {name} {
	vm_prompt $name
	vm_send $name [vm_pass $name]
	vm_wait_login $name
	vm_login $name $::ADMIN $::ADMINPASS
	vm_root $name
}

# vm_reboot NAME: reboots (cold, see vm_restart), unlocks and logs in again.
proc vm_reboot {name} {
	vm_restart $name
	vm_unlock $name
}

# vm_stop NAME [avc]: ends NAME, after its SELinux check unless told
# "noavc". Its disk is thrown away, so qemu is killed at once: nothing
# is left to flush for.
proc vm_stop {name {avc avc}} {
	if {![info exists ::vm($name,id)]} return
	if {$avc eq "avc"} { avc_check $name }
	set sid $::vm($name,id)
	catch { unset ::vm($name,pass) }
	catch { exec kill [exp_pid -i $sid] }
	catch { close -i $sid }
	catch { wait -i $sid }
	unset ::vm($name,id)
	catch { unset ::vm($name,dead) }
	catch { unset ::vm($name,off) }
	file delete -force [vm_disk $name] [vm_disk $name].efivars $::WORK/$name.raw
}

# vm_powercut NAME: ends NAME's qemu at once (SIGKILL), as a power cut:
# what the guest had not flushed to its disk is lost. The disk stays, and
# vm_boot NAME starts it again.
proc vm_powercut {name} {
	set sid [vm_sid $name]
	exec pkill -KILL -f -- "qemu-system-x86_64 .*$::vm($name,qemu_disk)"
	catch { close -i $sid }
	catch { wait -i $sid }
	catch { unset ::vm($name,root) }
}

# vm_stop_all: ends every machine still running, without a check (a
# proc, so its loop variable cannot collide with a test's global).
proc vm_stop_all {} {
	foreach idkey [array names ::vm *,id] {
		vm_stop [lindex [split $idkey ,] 0] noavc
	}
}

# vm_shell NAME: hands the guest console to the person running the tests.
proc vm_shell {name} {
	set sid [vm_sid $name]
	send -i $sid -- "stty echo; export PS1='\\u@\\h:\\w\\$ '\r"
	puts "\n# guest shell on $name: type 'exit' twice or press Ctrl-] to end\n"
	interact -i $sid "\x1d" return
}

# secs_since T0: seconds since T0, a [clock milliseconds] value taken
# before (for notes of how long something took).
proc secs_since {t0} {
	return [expr {([clock milliseconds] - $t0) / 1000.0}]
}

# vm_poweroff_seen NAME SECS: waits for NAME's qemu to exit by itself (the
# guest powered off); returns the seconds waited. The disk image stays in
# ::WORK for the host to inspect; vm_stop removes it later.
proc vm_poweroff_seen {name secs} {
	set secs [secs $secs]
	set sid [vm_sid $name]
	set t0 [clock milliseconds]
	log_file -a $::vm($name,log)
	set timeout $secs
	expect -i $sid eof {} timeout {
		log_file; error "$name still running ${secs}s later"
	}
	log_file
	catch { close -i $sid }
	catch { wait -i $sid }
	set ::vm($name,dead) "$name has powered off"
	set ::vm($name,off) 1
	return [secs_since $t0]
}

# The guest's LUKS volumes, as a shell word list for a guest command.
set ::luks_volumes {$(lsblk -nrpo NAME,FSTYPE | awk '$2 == "crypto_LUKS" { print $1 }')}

# usr_key_log VM: what systemd-cryptsetup said while opening usr at VM's
# last boot (TEST-02: with the key kept on root; TEST-07: without it).
proc usr_key_log {vm} {
	return [assert_ok $vm "journalctl -b -o cat -u systemd-cryptsetup@usrdata.service"]
}

# luks_state VM: a digest of the LUKS metadata of every volume of VM's disk
# (the epoch in it changes with any write to a header).
proc luks_state {vm} {
	return [assert_ok $vm "for d in $::luks_volumes; do echo \$d; cryptsetup luksDump \$d; done | sha256sum"]
}
