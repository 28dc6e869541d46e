# One line per alarm of an Eva log: "file:line<TAB>kind<TAB>predicate".
# Run-time errors (an "assert" Eva adds; the predicate is what it asserts)
# and preconditions of called functions that Eva cannot establish (the
# libc's memcpy/memmove validity, our own contracts' requires; no
# predicate, the kind names the clause). Any other ACSL property Eva leaves
# unknown or finds invalid (postconditions, assertions, loop invariants)
# gets the kind "ACSL <what>": proofs/run.sh counts it unless its file is
# one the WP jobs prove (an assertion Eva cannot check must never hide an
# alarm in the interpreter). proofs/run.sh keys each alarm by all three
# fields: two alarms of one kind on one line differ by their predicate.
function emit() {
    k = body
    sub(/^ +/, "", k)
    gsub(/ +/, " ", k)
    sub(/:$/, "", loc)
    if (k ~ /precondition.*got status (unknown|invalid)/) {
        sub(/ got status.*/, "", k)
        print loc "\t" k "\t"
        return
    }
    if (k ~ /got status (unknown|invalid)/) {
        sub(/ got status.*/, "", k)
        print loc "\tACSL " k "\t"
        return
    }
    if (k ~ /got status/ || k !~ /assert/)
        return
    p = k
    sub(/\. *assert.*/, "", k)
    sub(/^.*\. *assert */, "", p)
    sub(/ *;? *$/, "", p)
    print loc "\t" k "\t" p
}
/^\[/ {
    if (loc != "") emit()
    loc = ""
    if ($1 == "[eva:alarm]") { # the message may start on this line or the next
        loc = $2
        body = $0
        sub(/^.*Warning:/, "", body)
    }
    next
}
loc != "" { body = body " " $0 }
END { if (loc != "") emit() }
