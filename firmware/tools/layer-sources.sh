#!/bin/sh
# layer-sources.sh DIR: the .c files a layer's CMakeLists.txt declares with
# fc_library(NAME SOURCES ...), as absolute paths (one line).
dir=$1
sed -n 's/.*fc_library([A-Za-z_]* SOURCES \([^)]*\)).*/\1/p' "$dir/CMakeLists.txt" |
    tr ' ' '\n' | grep '\.c$' | sed "s|^|$dir/|" | tr '\n' ' '
