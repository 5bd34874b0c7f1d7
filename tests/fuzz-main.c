/* fuzz-main.c — runs a libFuzzer target over files and directories given on
 * the command line, so every fuzzer replays its corpus in `make check`
 * without clang's libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        FILE *f = fopen(path, "re");
        if (!f) {
                perror(path);
                return 1;
        }
        size_t cap = 4096, n = 0;
        uint8_t *buf = malloc(cap);
        size_t k;
        while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
                n += k;
                if (n == cap) {
                        uint8_t *nb = realloc(buf, cap *= 2);
                        if (!nb) {
                                free(buf);
                                buf = NULL;
                        } else
                                buf = nb;
                }
        }
        fclose(f);
        if (!buf)
                return 1;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        return 0;
}

static int run_path(const char *path, unsigned *count) {
        struct stat st;
        if (stat(path, &st) < 0) {
                perror(path);
                return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
                (*count)++;
                return run_file(path);
        }
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort), bad = 0;
        if (n < 0) {
                perror(path);
                return 1;
        }
        for (int i = 0; i < n; i++) {
                if (names[i]->d_name[0] != '.') {
                        char sub[4096];
                        snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
                        bad |= run_path(sub, count);
                }
                free(names[i]);
        }
        free(names);
        return bad;
}

int main(int argc, char **argv) {
        unsigned count = 0;
        int bad = 0;
        for (int i = 1; i < argc; i++)
                bad |= run_path(argv[i], &count);
        printf("%u inputs replayed\n", count);
        return bad;
}
