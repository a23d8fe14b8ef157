# SPDX-License-Identifier: GPL-2.0-or-later
# The private Tor network of TEST-12 (lib/tor-testnet, in a network
# namespace of its own), and the appliance "onion" that joins it. Both
# start early (image-tests/run) so that the network's first consensus
# and the machine's boot overlap the tests before TEST-12.

set ::tn $::WORK/testnet
# The host's tor, which tools/host-deps unpacks into the cache (CACHE_DIR,
# or the default in src/constants), unless TOR_BIN names another.
proc default_cache_dir {} {
	if {[info exists ::env(CACHE_DIR)] && $::env(CACHE_DIR) ne ""} { return $::env(CACHE_DIR) }
	foreach l [split [readfile $::here/../src/constants] "\n"] {
		if {[regexp {^DEFAULT_CACHE_DIR=(.+)$} $l - d]} { return $d }
	}
	error "src/constants names no DEFAULT_CACHE_DIR"
}
set ::torbin [expr {[info exists ::env(TOR_BIN)] ? $::env(TOR_BIN) : "[default_cache_dir]/host-tor/usr/bin"}]

# testnet_up: the test network is running, with a consensus that lists
# all five relays with every flag (sets ::tnpid, its namespace's
# process). Starts it once; a start that failed fails every later call
# with the same reason.
proc testnet_up {} {
	if {[info exists ::tnpid]} return
	if {[info exists ::tn_failed]} { error $::tn_failed }
	if {[catch {
		spawn -noecho $::here/lib/tor-testnet $::torbin $::tn
		set ::tn_sid $spawn_id
		set timeout [secs 300]
		expect -i $::tn_sid -re {consensus with 5 relays after ([0-9]+) s} {
			note "test network: consensus after $expect_out(1,string) s"
		} timeout { error "no consensus within 300 s" } eof { error "tor-testnet ended: $expect_out(buffer)" }
		expect -i $::tn_sid -re {READY ([0-9]+)} { set ::tnpid $expect_out(1,string) } timeout { error "tor-testnet not ready" }
	} err]} {
		set ::tn_failed "the test network did not start: $err"
		error $::tn_failed
	}
}

# testnet_down: ends the test network (its tor processes end with it).
proc testnet_down {} {
	if {[info exists ::tn_sid]} {
		catch { close -i $::tn_sid }
		catch { wait -i $::tn_sid }
		unset ::tn_sid
	}
}

# onion_preboot: the test network, then the machine "onion" booting in
# the background. Its only way out is qemu's restricted user network
# with a forward for each relay's ORPort (10.0.2.101-105:9001) into the
# namespace (TEST-12 gives its tor the network's directory settings).
# Nothing else is forwarded.
proc onion_preboot {} {
	if {[catch testnet_up]} return
	set fwd {}
	foreach i {1 2 3 4 5} {
		lappend fwd "guestfwd=tcp:10.0.2.10$i:9001-cmd:nsenter -t $::tnpid -n nc 10.0.2.10$i 9001"
	}
	set ::vm(onion,qemu) [list -nic "user,model=virtio-net-pci,restrict=on,[join $fwd ,]"]
	vm_preboot onion
}
