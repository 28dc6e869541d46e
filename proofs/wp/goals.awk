# One line per WP goal of a Frama-C WP log: "STATUS GOAL", whatever the
# prover in brackets ("[Qed]", "[CVC4 1.8]", "[Z3 4.8.12]", "[Failed]",
# "[Script]" ...) and whatever the status ("Valid", "Timeout", "Unknown",
# "Failed", "Stepout", "Invalid" ...): proofs/run.sh counts a goal proven
# only when its status is exactly Valid. A goal line without " : status"
# ("[wp] [Failed] Goal G", the provers' answers on the lines below) takes
# the bracket's word as its status. The summary line "Proved goals:
# P / T" becomes "SUMMARY P T", so the caller can check that the goal lines
# it read add up to what WP says it ran (a goal line this parser missed
# makes the counts disagree, and the gate fails).
/^\[wp\] \[[^]]*\] Goal / {
    line = $0
    bracket = $0
    sub(/^\[wp\] \[/, "", bracket)
    sub(/\].*$/, "", bracket)
    gsub(/ /, "_", bracket)
    sub(/^\[wp\] \[[^]]*\] Goal +/, "", line)
    goal = line
    sub(/ .*$/, "", goal)
    status = line
    if (sub(/^[^ ]+ +: +/, "", status))
        sub(/[ (].*$/, "", status)
    else
        status = bracket == "" ? "UNPARSED" : bracket
    print status " " goal
    next
}
/^\[wp\] Proved goals:/ {
    s = $0
    sub(/^\[wp\] Proved goals: */, "", s)
    split(s, f, /[ \/]+/)
    print "SUMMARY " f[1] " " f[2]
}
