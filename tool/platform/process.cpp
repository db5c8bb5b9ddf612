#include "platform/process.hpp"

#include <thread>

#ifdef _WIN32
#include <windows.h>

#include <cwctype>
#else
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
extern char** environ;
#endif

namespace cipolicy::platform {
namespace fs = std::filesystem;

std::optional<fs::path> find_program(const std::vector<std::string>& names,
                                     const std::string& search_path) {
#ifdef _WIN32
    constexpr char separator = ';';
#else
    constexpr char separator = ':';
#endif
    std::vector<fs::path> folders;
    std::size_t start = 0;
    while (start <= search_path.size()) {
        std::size_t end = search_path.find(separator, start);
        if (end == std::string::npos) end = search_path.size();
        std::string entry = search_path.substr(start, end - start);
        if (!entry.empty()) folders.emplace_back(entry);
        start = end + 1;
    }
    for (const auto& folder : folders) {
        if (!folder.is_absolute()) continue;
        for (const auto& name : names) {
            std::error_code ec;
            fs::path candidate = folder / name;
            if (fs::is_regular_file(candidate, ec)) return candidate;
        }
    }
    return std::nullopt;
}

#ifdef _WIN32

namespace {

struct Handle {
    HANDLE h = nullptr;
    ~Handle() { reset(); }
    void reset() {
        if (h && h != INVALID_HANDLE_VALUE) CloseHandle(h);
        h = nullptr;
    }
};

std::wstring widen(const std::string& s) {
    if (s.empty()) return {};
    int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
    std::wstring w(static_cast<std::size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
    return w;
}

// One argument quoted as CommandLineToArgvW (and the C runtime) read it back.
void append_quoted(std::wstring& line, const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
        line += arg;
        return;
    }
    line += L'"';
    for (std::size_t i = 0;; ++i) {
        std::size_t backslashes = 0;
        while (i < arg.size() && arg[i] == L'\\') ++i, ++backslashes;
        if (i == arg.size()) {
            line.append(backslashes * 2, L'\\');
            break;
        }
        if (arg[i] == L'"')
            line.append(backslashes * 2 + 1, L'\\');
        else
            line.append(backslashes, L'\\');
        line += arg[i];
    }
    line += L'"';
}

std::string read_all(HANDLE h) {
    std::string data;
    char buf[4096];
    DWORD n = 0;
    while (ReadFile(h, buf, sizeof buf, &n, nullptr) && n > 0) data.append(buf, n);
    return data;
}

}  // namespace

std::optional<ProcessResult> run_process(const fs::path& program,
                                         const std::vector<std::string>& args) {
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    Handle out_read, out_write, err_read, err_write, null_in;
    if (!CreatePipe(&out_read.h, &out_write.h, &inherit, 0) ||
        !CreatePipe(&err_read.h, &err_write.h, &inherit, 0))
        return std::nullopt;
    SetHandleInformation(out_read.h, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(err_read.h, HANDLE_FLAG_INHERIT, 0);
    null_in.h = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                            OPEN_EXISTING, 0, nullptr);
    if (null_in.h == INVALID_HANDLE_VALUE) return std::nullopt;

    std::wstring line;
    append_quoted(line, program.wstring());
    for (const auto& a : args) {
        line += L' ';
        append_quoted(line, widen(a));
    }
    // A batch file runs in cmd.exe, whose rules differ: started as cmd /d /s /c ""PATH" ARGS" it
    // takes the line literally but for % expansions and its special characters, so the path is
    // quoted (C:\Program Files (x86)\...\az.cmd is fine this way, not when handed over
    // directly) and arguments holding anything cmd.exe interprets are refused.
    std::wstring extension = program.extension().wstring();
    for (auto& c : extension) c = static_cast<wchar_t>(std::towlower(c));
    fs::path application = program;
    if (extension == L".cmd" || extension == L".bat") {
        const std::wstring path = program.wstring();
        if (path.find_first_of(L"%\"\r\n") != std::wstring::npos) return std::nullopt;
        std::wstring batch = L"\"" + path + L"\"";
        for (const auto& a : args) {
            std::wstring w = widen(a);
            if (w.empty() || w.find_first_of(L" \t\r\n\"%^&|<>()!") != std::wstring::npos)
                return std::nullopt;
            batch += L" " + w;
        }
        wchar_t system_dir[MAX_PATH] = {};
        UINT n = GetSystemDirectoryW(system_dir, MAX_PATH);
        if (n == 0 || n >= MAX_PATH) return std::nullopt;
        application = fs::path(system_dir) / L"cmd.exe";
        line = L"cmd.exe /d /s /c \"" + batch + L"\"";
    }
    STARTUPINFOW si{};
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = null_in.h;
    si.hStdOutput = out_write.h;
    si.hStdError = err_write.h;
    // The system folder as working folder: a batch file's own lookups never see the user's
    // current folder (as Azure.Identity runs az).
    wchar_t system_dir[MAX_PATH] = {};
    UINT len = GetSystemDirectoryW(system_dir, MAX_PATH);
    PROCESS_INFORMATION pi{};
    if (!CreateProcessW(application.c_str(), line.data(), nullptr, nullptr, TRUE, CREATE_NO_WINDOW,
                        nullptr, len > 0 && len < MAX_PATH ? system_dir : nullptr, &si, &pi))
        return std::nullopt;
    Handle process, thread;
    process.h = pi.hProcess;
    thread.h = pi.hThread;
    out_write.reset();
    err_write.reset();
    ProcessResult result;
    std::thread err_reader([&] { result.err = read_all(err_read.h); });
    result.out = read_all(out_read.h);
    err_reader.join();
    WaitForSingleObject(process.h, INFINITE);
    DWORD code = 0;
    if (GetExitCodeProcess(process.h, &code)) result.exit_code = static_cast<int>(code);
    return result;
}

#else

namespace {

// A pipe's two ends, closed when they go out of scope.
struct Pipe {
    int fd[2] = {-1, -1};
    bool open() { return ::pipe(fd) == 0; }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

std::string read_all(int fd) {
    std::string data;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    return data;
}

struct FileActions {
    posix_spawn_file_actions_t actions;
    FileActions() { posix_spawn_file_actions_init(&actions); }
    ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
};

}  // namespace

std::optional<ProcessResult> run_process(const fs::path& program,
                                         const std::vector<std::string>& args) {
    Pipe out, err;
    if (!out.open() || !err.open()) return std::nullopt;
    FileActions fa;
    posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa.actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa.actions, err.fd[1], 2);
    posix_spawn_file_actions_addclose(&fa.actions, out.fd[0]);
    posix_spawn_file_actions_addclose(&fa.actions, err.fd[0]);
    std::string path = program.string();
    std::vector<char*> argv{path.data()};
    std::vector<std::string> copies(args);
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, path.c_str(), &fa.actions, nullptr, argv.data(), environ) != 0)
        return std::nullopt;
    out.close_end(1);
    err.close_end(1);
    ProcessResult result;
    // Both pipes are drained at once: a program that fills one while we wait on the other would
    // otherwise never finish.
    std::thread err_reader([&] { result.err = read_all(err.fd[0]); });
    result.out = read_all(out.fd[0]);
    err_reader.join();
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    result.exit_code = waited == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

#endif

}  // namespace cipolicy::platform
