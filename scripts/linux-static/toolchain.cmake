# CMake toolchain for the fully static Linux executables of a release (x64 and arm64): glibc's
# static libc and libstdc++ from Debian's GCC 12 (native for x64, g++-aarch64-linux-gnu for
# arm64), linked against the static prefix that scripts/linux-static/build-deps.sh makes.
#   cmake -DCMAKE_TOOLCHAIN_FILE=scripts/linux-static/toolchain.cmake \
#         -DCIPOLICY_STATIC_ARCH=x64|arm64 -DCIPOLICY_STATIC_PREFIX=<prefix>
# Why static glibc and not musl: docs/releases.md.
set(CMAKE_SYSTEM_NAME Linux)
set(CIPOLICY_STATIC_ARCH "x64" CACHE STRING "x64 or arm64")
set(CIPOLICY_STATIC_PREFIX "" CACHE PATH "Static dependency prefix (scripts/linux-static/build-deps.sh)")
if(CIPOLICY_STATIC_ARCH STREQUAL "arm64")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
  set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
  set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
  set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu ${CIPOLICY_STATIC_PREFIX})
  # Tests of a cross-built executable run under qemu-user (a static executable needs no sysroot).
  find_program(CIPOLICY_QEMU_AARCH64 qemu-aarch64-static)
  if(CIPOLICY_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${CIPOLICY_QEMU_AARCH64})
  endif()
elseif(CIPOLICY_STATIC_ARCH STREQUAL "x64")
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
  set(CMAKE_C_COMPILER gcc)
  set(CMAKE_CXX_COMPILER g++)
  set(CMAKE_FIND_ROOT_PATH ${CIPOLICY_STATIC_PREFIX})
else()
  message(FATAL_ERROR "CIPOLICY_STATIC_ARCH must be x64 or arm64, not '${CIPOLICY_STATIC_ARCH}'")
endif()

# Only the prefix (and the cross sysroot) is searched: no shared library of the build host may
# end up in a static executable.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CIPOLICY_STATIC_ARCH CIPOLICY_STATIC_PREFIX)

set(OPENSSL_USE_STATIC_LIBS TRUE)
set(Boost_USE_STATIC_LIBS ON)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
