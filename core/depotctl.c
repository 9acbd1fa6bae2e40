/* depotctl.c: STUB, being written. */
#include <stdio.h>
int main(void) { fprintf(stderr, "depotctl: not implemented\n"); return 1; }
