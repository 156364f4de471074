import Foundation
import TestCluster
import Testing

/// The interactive shell driven through a real pseudo-terminal (Tests/oracle/pty_repl.py).
@Suite(.serialized) struct ReplPtyTests {
  /// Runs a pty script against `rcadm repl` and returns the parsed summary.
  func drive(_ steps: [[String: Any]], _ args: [String], env: [String: String]) throws -> [String: Any] {
    try runInPty(steps, args, env: env)
  }

  @Test func editingHistoryCompletionAndSignals() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let history = NSTemporaryDirectory() + "rcadm-history-\(UUID().uuidString)"
      defer { try? FileManager.default.removeItem(atPath: history) }
      let env = ["RCADM_HISTFILE": history, "LANG": "C.UTF-8", "NO_COLOR": "1"]
      let owner = try await owner(of: 12182, in: c)
      _ = try drive(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          ["send": "SET foo h\u{e9}llo\r", "noecho": true], ["expect": "OK"],
          // The prompt now names the node that served the command.
          ["expect": "\(c[owner].port)> "],
          ["send": "GET foo\r", "noecho": true], ["expect": "\"h\\\\xc3\\\\xa9llo\"|h\u{e9}llo"],
          ["send": "CONFIG SET requirepass s3cr3t-never-saved\r", "noecho": true], ["expect": "OK"],
          ["send": "CONFIG SET requirepass \"\"\r", "noecho": true], ["expect": "OK"],
          // Tab completes command names from the server's COMMAND DOCS.
          ["send": "DBSI\t", "noecho": true], ["expect_line": "DBSIZE"], ["send": "\r"],
          ["expect": "\\(integer\\) 1"],
          // Ctrl-C drops the partial line and keeps the shell.
          ["send": "GET partial", "noecho": true], ["sleep": 0.3], ["send": "\u{3}"], ["expect": "> "],
          ["sleep": 0.3],
          ["send": "ECHO still-here\r", "noecho": true], ["expect": "still-here"],
          // Subcommands complete after their container.
          ["send": "CLUSTER KEYS\t", "noecho": true], ["expect_line": "CLUSTER KEYSLOT"], ["send": " foo\r"],
          ["expect": "\\(integer\\) 12182"],
          // A blocking command is interrupted by Ctrl-C; the shell stays and reconnects.
          ["send": "BLPOP nosuchlist 0\r", "noecho": true], ["sleep": 0.5], ["send": "\u{3}"], ["sleep": 0.3],
          ["expect": "interrupted"],
          ["send": "ECHO after-blpop\r", "noecho": true], ["expect": "after-blpop"],
          ["send": "NOSUCHCMD\r", "noecho": true], ["expect": "ERR unknown command"],
          ["send": "GET \"unbalanced\r", "noecho": true], ["expect": "unbalanced"],
        ] + endWithCtrlD(exitStatus: nil), ["repl", c.addressStrings[0]], env: env)
      let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
      #expect(saved.contains("GET foo"), "history: \(saved)")
      #expect(saved.contains("ECHO still-here"))
      #expect(!saved.contains("s3cr3t"), "a secret reached the history file: \(saved)")
    }
  }
}
