# Fletcher-16 checksum of the input memory: r1 = address, r2 = length.
# Result: (sum2 << 8) | sum1. For the bytes of "abcde" it is 0xc8f0.
# Loops are allowed: the VM's per-run budget guarantees termination.
mov %r0, 0
mov %r3, 0
mov %r4, 0
loop:
jge %r4, %r2, done
mov %r5, %r1
add %r5, %r4
ldxb %r6, [%r5+0]
add %r0, %r6
mod %r0, 255
add %r3, %r0
mod %r3, 255
add %r4, 1
ja loop
done:
lsh %r3, 8
or %r0, %r3
exit
