/* linegen.c — writes N lines of 100 bytes to stdout, one write(2) per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
        long n = argc > 1 ? atol(argv[1]) : 1000000;
        char line[101];
        memset(line, 'x', sizeof line);
        line[100] = '\n';
        for (long i = 0; i < n; i++) {
                int k = snprintf(line, 12, "%010ld ", i);
                line[k] = 'x';
                if (write(1, line, 101) != 101)
                        return 1;
        }
        return 0;
}
