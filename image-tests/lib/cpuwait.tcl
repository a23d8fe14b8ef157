# SPDX-License-Identifier: GPL-2.0-or-later
# Bounds on the waits for a booting machine, counted in the machine's own
# CPU time (expect/Tcl; lib/vm.tcl uses them, lib/cpuwait-tests tests them).
#
# Under TCG a machine is a qemu process that keeps one core busy while it
# boots. make check runs two parts at once and starts machines early in
# the background, so at times three machines share the two cores, and a
# boot takes longer on the clock than it computes: a bound on the clock
# then fails a machine that was only waiting for a core (TEST-13's
# sbentry, whose first boot re-encrypts root, once did). A bound of SECS
# here is on the CPU time the spawned process and its descendants (qemu,
# or lib/autounlock and its qemu) use while the wait lasts: a machine that
# has computed that long without reaching what the wait is for has failed,
# however busy the host. One that computes nothing (stopped, or waiting
# for input that never comes) is failed by the clock, at 3 times SECS.

set ::clk_tck [exec getconf CLK_TCK]

# tree_cpu PID: seconds of CPU that PID and its descendants have used
# (0 for a process that is gone).
proc tree_cpu {pid} {
	if {[catch {
		set f [open /proc/$pid/stat]
		set s [read $f]
		close $f
	}]} { return 0 }
	# After "(comm) ": state is field 3, utime 14 and stime 15.
	set rest [split [string range $s [expr {[string last ")" $s] + 2}] end]]
	set t [expr {double([lindex $rest 11] + [lindex $rest 12]) / $::clk_tck}]
	if {![catch {
		set f [open /proc/$pid/task/$pid/children]
		set kids [read $f]
		close $f
	}]} {
		foreach k $kids { set t [expr {$t + [tree_cpu $k]}] }
	}
	return $t
}

# wait_start SID: the state of a wait on what was spawned as SID.
proc wait_start {sid} {
	set pid [exp_pid -i $sid]
	return [list $pid [clock milliseconds] [tree_cpu $pid]]
}

# wait_within STATE SECS: 1 while the wait may go on: less than SECS of CPU
# used since it began, and less than 3 * SECS on the clock.
proc wait_within {state secs} {
	lassign $state pid t0 c0
	expr {[tree_cpu $pid] - $c0 < $secs && [clock milliseconds] - $t0 < 3000 * $secs}
}

# wait_spent STATE: what the wait has used, for a failure's message.
proc wait_spent {state} {
	lassign $state pid t0 c0
	format "%.0f s of its CPU, %.0f s on the clock" [expr {[tree_cpu $pid] - $c0}] \
	    [expr {([clock milliseconds] - $t0) / 1000.0}]
}

# The interval at which a wait's bound is looked at (expect's timeout).
set ::wait_step 2
