public import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What one run of a process did: its exit, what it printed, and what it cost.
public struct MeasuredRun: Sendable {
  /// The exit status, or `nil` if the process was killed by a signal.
  public var status: Int32?
  /// The signal that ended the process, if one did (a crash, or the timeout's `SIGKILL`).
  public var signal: Int32?
  /// Whether the run was stopped because it took longer than its time limit.
  public var timedOut: Bool
  public var standardOutput: String
  public var standardError: String
  /// The process's peak resident memory, in bytes (`ru_maxrss`).
  public var peakMemory: Int
  /// Wall time, in seconds.
  public var seconds: Double

  /// The peak memory in MB, for messages and tables.
  public var peakMegabytes: Double { Double(peakMemory) / 1_048_576 }
}

/// Runs `executable` with `arguments` under GNU `time` (Debian's `time`, which `make test`
/// installs), its output going to files rather than pipes, and reads its peak resident memory
/// from `time`. A process spawned straight from the test runner would not do: Linux carries the
/// spawner's own peak into the child's `ru_maxrss` across `exec`, so the child must be forked
/// from a small process. A run longer than `timeLimit` seconds is killed (its whole process
/// group) and marked ``MeasuredRun/timedOut``.
public func runMeasured(
  _ executable: URL, _ arguments: [String], timeLimit: Double = 120
) throws -> MeasuredRun {
  let folder = ScratchSpace.root.appendingPathComponent("run-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  let outPath = folder.appendingPathComponent("stdout").path
  let errPath = folder.appendingPathComponent("stderr").path
  let timePath = folder.appendingPathComponent("time").path
  let time = "/usr/bin/time"
  guard FileManager.default.isExecutableFile(atPath: time) else {
    throw CocoaError(.executableNotLoadable, userInfo: [NSLocalizedDescriptionKey: "\(time) is missing: apt-get install time"])
  }

  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

  var environment = ProcessInfo.processInfo.environment
  environment["NO_COLOR"] = "1"
  let argv = ([time, "-f", "%x %M %e", "-o", timePath, executable.path] + arguments).map { strdup($0) } + [nil]
  let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for pointer in argv { free(pointer) }
    for pointer in envp { free(pointer) }
  }

  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
  posix_spawnattr_setpgroup(&attributes, 0)

  let start = Date()
  var pid = pid_t()
  let spawned = posix_spawn(&pid, time, &actions, &attributes, argv, envp)
  guard spawned == 0 else {
    throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable.path): \(String(cString: strerror(spawned)))"])
  }

  var status: Int32 = 0
  var timedOut = false
  while true {
    let waited = waitpid(pid, &status, WNOHANG)
    if waited == pid { break }
    if waited == -1 && errno != EINTR { break }
    if !timedOut && Date().timeIntervalSince(start) > timeLimit {
      timedOut = true
      kill(-pid, SIGKILL)
    }
    usleep(2_000)
  }

  // `time` writes "Command terminated by signal N" for a crash, then "%x %M %e": the exit
  // status, the peak resident memory in KB and the wall time in seconds.
  let report = (try? String(contentsOfFile: timePath, encoding: .utf8)) ?? ""
  let lines = report.split(separator: "\n")
  let figures = lines.last?.split(separator: " ") ?? []
  let signalNumber = lines.lazy.compactMap { line -> Int32? in
    guard line.hasPrefix("Command terminated by signal ") else { return nil }
    return Int32(line.split(separator: " ").last ?? "")
  }.first ?? (timedOut ? SIGKILL : nil)
  return MeasuredRun(
    status: signalNumber == nil ? figures.first.flatMap { Int32($0) } : nil,
    signal: signalNumber,
    timedOut: timedOut,
    standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
    standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
    peakMemory: (figures.count > 1 ? Int(figures[1]) ?? 0 : 0) * 1024,
    seconds: figures.count > 2 ? Double(figures[2]) ?? 0 : Date().timeIntervalSince(start))
}
