// Debian's libcsv-dev installs only csv.h and libcsv.so: no pkg-config file.
#include <csv.h>
