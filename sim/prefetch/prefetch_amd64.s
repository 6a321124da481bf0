#include "textflag.h"

// func line(p unsafe.Pointer)
TEXT ·line(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ	p+0(FP), AX
	PREFETCHT0	(AX)
	RET

// func lines2(p, q unsafe.Pointer)
TEXT ·lines2(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ	p+0(FP), AX
	MOVQ	q+8(FP), BX
	PREFETCHT0	(AX)
	PREFETCHT0	(BX)
	RET
