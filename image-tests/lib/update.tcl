# SPDX-License-Identifier: GPL-2.0-or-later
# The machine upd of TEST-14: the test image (version 1) with update
# bundles attached as read-only disks, as an operator attaches one: the
# good bundle, version 2 (UPDATE_BUNDLE: tools/make-update, run by make
# check through tools/test/update-bundles), and what lib/bad-bundles makes
# from it: version 3, which fails its health check, and the bad ones. In the guest each is /dev/disk/by-id/virtio-NAME. A reboot
# ends qemu (-no-reboot), so that the suite sees one the guest makes by
# itself and starts the next boot cold (vm_restart).

# upd_disks: makes the bad bundles and the qemu options that attach all.
# make check builds the bundle while the suite runs and writes its status
# to UPDATE_STATUS when the build ends (0: built): wait for that first.
proc upd_disks {} {
	if {![info exists ::env(UPDATE_BUNDLE)]} { error "UPDATE_BUNDLE is not set (make check sets it)" }
	if {[info exists ::env(UPDATE_STATUS)]} {
		set t0 [clock seconds]
		set end [expr {$t0 + [secs 1800]}]
		while {![file exists $::env(UPDATE_STATUS)]} {
			if {[clock seconds] > $end} { error "the update bundles were not built within [secs 1800] s" }
			after 1000
		}
		if {[string trim [readfile $::env(UPDATE_STATUS)]] ne "0"} { error "the update bundles did not build" }
		note "waited [expr {[clock seconds] - $t0}] s for the update bundles"
	}
	set b $::WORK/bundles
	exec $::here/lib/bad-bundles $::env(UPDATE_BUNDLE) [file dirname $::SBCERT]/db.key $::SBCERT $b
	set ::vm(upd,qemu) {-no-reboot}
	foreach {id f} [list good $::env(UPDATE_BUNDLE) v3 $b/broken \
	    garbage $b/garbage truncated $b/truncated \
	    otherkey $b/otherkey castore $b/castore badusr $b/badusr old $b/old] {
		lappend ::vm(upd,qemu) -drive if=none,id=b$id,format=raw,readonly=on,file=$f \
			-device virtio-blk-pci,drive=b$id,serial=$id
	}
}

# upd_preboot: starts upd in the background (vm_preboot), for TEST-14.
proc upd_preboot {} {
	if {[info exists ::vm(upd,id)]} return
	if {[catch upd_disks err]} {
		note "upd not started early: $err"
		return
	}
	vm_preboot upd
}
