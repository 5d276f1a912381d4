/*
 * csvpass: the bare libcsv pass that giving's CSV timings are measured against.
 *
 *   csvpass FILE...
 *
 * Reads each file in 1 MiB chunks, feeds it to libcsv (the same parser giving
 * links) and only counts records, fields and field bytes: no decoding, no
 * model, no output. It is the floor for any tool built on libcsv, so "giving
 * is within 4x of csvpass" means giving spends at most 3x the parse itself on
 * everything else. Prints one line per file: "FILE: R records, F fields, B bytes".
 *
 * Build: cc -O2 -o csvpass csvpass.c -lcsv
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct counts {
  unsigned long long records;
  unsigned long long fields;
  unsigned long long bytes;
};

static void on_field(void *data, size_t len, void *ctx) {
  (void)data;
  struct counts *c = ctx;
  c->fields += 1;
  c->bytes += len;
}

static void on_record(int terminator, void *ctx) {
  (void)terminator;
  struct counts *c = ctx;
  c->records += 1;
}

static int pass(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "csvpass: cannot open '%s': %s\n", path, strerror(errno));
    return 2;
  }
  struct csv_parser parser;
  if (csv_init(&parser, 0) != 0) {
    fprintf(stderr, "csvpass: cannot initialise libcsv\n");
    close(fd);
    return 2;
  }
  enum { CHUNK = 1 << 20 };
  static char buffer[CHUNK];
  struct counts c = {0, 0, 0};
  int status = 0;
  for (;;) {
    ssize_t n = read(fd, buffer, CHUNK);
    if (n < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "csvpass: cannot read '%s': %s\n", path, strerror(errno));
      status = 2;
      break;
    }
    if (n == 0) break;
    if (csv_parse(&parser, buffer, (size_t)n, on_field, on_record, &c) != (size_t)n) {
      fprintf(stderr, "csvpass: '%s': %s\n", path, csv_strerror(csv_error(&parser)));
      status = 2;
      break;
    }
  }
  if (status == 0) csv_fini(&parser, on_field, on_record, &c);
  csv_free(&parser);
  close(fd);
  if (status == 0) {
    printf("%s: %llu records, %llu fields, %llu bytes\n", path, c.records, c.fields, c.bytes);
  }
  return status;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: csvpass FILE...\n");
    return 64;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    int s = pass(argv[i]);
    if (s != 0) status = s;
  }
  return status;
}
