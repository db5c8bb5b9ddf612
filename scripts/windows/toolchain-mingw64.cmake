# CMake toolchain for cross-building cipolicy.exe with Debian's MinGW-w64 (posix thread model, for
# std::thread) against the static prefix that scripts/windows/build-deps.sh makes.
#   cmake -DCMAKE_TOOLCHAIN_FILE=scripts/windows/toolchain-mingw64.cmake -DCIPOLICY_MINGW_PREFIX=<prefix>
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

# Only the MinGW sysroot and the dependency prefix are searched for libraries, headers and
# packages: nothing of the Linux host may leak into a Windows build.
set(CIPOLICY_MINGW_PREFIX "" CACHE PATH "Static MinGW-w64 dependency prefix (scripts/windows/build-deps.sh)")
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${CIPOLICY_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CIPOLICY_MINGW_PREFIX)

# Static everything: the exe imports only system DLLs (no libstdc++/libgcc/winpthread DLLs).
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(Boost_USE_STATIC_LIBS ON)
set(Boost_USE_STATIC_RUNTIME ON)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
