// How giving's allocator (jemalloc) returns memory; see jemalloc_config.c.
#pragma once
extern const char *malloc_conf;
