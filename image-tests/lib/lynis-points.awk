# SPDX-License-Identifier: GPL-2.0-or-later
# awk -f lynis-points.awk NOT-APPLICABLE LYNIS-LOG: prints, per test of
# lynis's log that gave less than its maximum hardening points, "TEST-ID
# got of max" (and for KRNL-6000 each sysctl key that differed), then
# the index as lynis computes it (points over maxima, all tests) and the
# same index without the tests listed in NOT-APPLICABLE (lines "TEST-ID
# reason"; docs/audit.md says why each is there).
FNR == NR {
	if ($0 !~ /^#/ && NF) { na[$1] = 1 }
	next
}
/Performing test ID / {
	id = $0; sub(/.*Performing test ID /, "", id); sub(/ .*/, "", id)
}
/Hardening: assigned / {
	s = $0; sub(/.*Hardening: assigned /, "", s)
	if (s ~ /^partial/) {
		sub(/^[^(]*\(/, "", s); split(s, a, / of |\)/)
		got[id] += a[1]; max[id] += a[2]
	} else {
		sub(/.*this item \(/, "", s); sub(/\).*/, "", s)
		got[id] += s; max[id] += s
	}
	if (!(id in seen)) { seen[id] = 1; order[++n] = id }
}
/has a different value than expected in scan profile/ {
	k = $0; sub(/.*sysctl key /, "", k); sub(/ has a different.*Expected=/, " expected ", k)
	sub(/, Real=/, " is ", k); keys[++nk] = k
}
END {
	for (i = 1; i <= n; i++) {
		id = order[i]; tg += got[id]; tm += max[id]
		if (!(id in na)) { ag += got[id]; am += max[id] }
		if (got[id] < max[id])
			printf "  %s %d of %d%s\n", id, got[id], max[id], (id in na) ? " (not applicable)" : ""
	}
	for (i = 1; i <= nk; i++)
		printf "    sysctl %s\n", keys[i]
	printf "hardening points: %d of %d, index %d\n", tg, tm, tm ? int(tg * 100 / tm) : 0
	printf "without the tests that do not apply: %d of %d, index %d\n", ag, am, am ? int(ag * 100 / am) : 0
}
