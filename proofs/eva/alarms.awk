# One line per alarm of an Eva log: "file:line: kind". Run-time errors
# (an "assert" Eva adds) and preconditions of called functions that Eva
# cannot establish (the libc's memcpy/memmove validity, our own contracts'
# requires); postconditions, assertions and loop invariants are WP's.
function emit() {
    k = body
    sub(/^ +/, "", k)
    gsub(/ +/, " ", k)
    if (k ~ /precondition.*got status (unknown|invalid)/) {
        sub(/ got status.*/, "", k)
        print loc " " k
        return
    }
    if (k ~ /got status/ || k !~ /assert/)
        return
    sub(/\. *assert.*/, "", k)
    print loc " " k
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
