import Testing

@testable import Shell

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct LineEditorCompletionTests {
  @Test func completionWord() {
    #expect(LineEditor.completionWord(in: "") == "")
    #expect(LineEditor.completionWord(in: "CLU") == "CLU")
    #expect(LineEditor.completionWord(in: "CLUSTER N") == "N")
    #expect(LineEditor.completionWord(in: "CLUSTER ") == "")
    #expect(LineEditor.completionWord(in: "GET\tké") == "ké")
  }

  @Test func wholeNamesAreCutToTheCurrentWord() {
    #expect(
      LineEditor.wordReplacements(lineBeforeCursor: "cluster n", candidates: ["CLUSTER NODES"])
        == ["NODES"])
    #expect(
      LineEditor.wordReplacements(
        lineBeforeCursor: "CLUSTER ", candidates: ["CLUSTER INFO", "CLUSTER NODES"]) == ["INFO", "NODES"])
    #expect(LineEditor.wordReplacements(lineBeforeCursor: "CLUSTER N", candidates: ["NODES"]) == ["NODES"])
    #expect(LineEditor.wordReplacements(lineBeforeCursor: "GET k", candidates: ["key1"]) == ["key1"])
    #expect(LineEditor.wordReplacements(lineBeforeCursor: "clu", candidates: ["CLUSTER"]) == ["CLUSTER"])
  }

  @Test func uniqueCandidateCompletesTheWord() {
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "CLU", candidates: ["CLUSTER"])
        == .replace("CLUSTER", complete: true))
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "cluster n", candidates: ["CLUSTER NODES"])
        == .replace("NODES", complete: true))
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "GET", candidates: ["GET", "GET"])
        == .replace("GET", complete: true))
  }

  @Test func severalCandidatesCompleteTheCommonPrefix() {
    #expect(
      LineEditor.completionAction(
        lineBeforeCursor: "CLU", candidates: ["CLUSTER", "CLUSTER INFO", "CLUSTER NODES"])
        == .replace("CLUSTER", complete: false))
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "cli", candidates: ["CLIENT KILL", "client list"])
        == .replace("CLIENT ", complete: false))
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "SET k héll", candidates: ["héllo1", "héllo2"])
        == .replace("héllo", complete: false))
  }

  @Test func severalCandidatesWithoutProgressAreListed() {
    #expect(
      LineEditor.completionAction(lineBeforeCursor: "CL", candidates: ["CLUSTER", "CLIENT"])
        == .list(["CLIENT", "CLUSTER"]))
    #expect(
      LineEditor.completionAction(
        lineBeforeCursor: "CLUSTER ", candidates: ["CLUSTER NODES", "CLUSTER INFO"])
        == .list(["INFO", "NODES"]))
  }

  @Test func noCandidates() {
    #expect(LineEditor.completionAction(lineBeforeCursor: "xyz", candidates: []) == .none)
    #expect(LineEditor.completionAction(lineBeforeCursor: "xyz", candidates: [""]) == .none)
  }

  @Test func columns() {
    #expect(LineEditor.formatColumns([], width: 80) == "")
    #expect(LineEditor.formatColumns(["GET", "SET", "CLUSTER"], width: 80) == "GET      SET      CLUSTER\n")
    #expect(LineEditor.formatColumns(["a", "b", "c", "d", "e"], width: 7) == "a  c  e\nb  d\n")
    #expect(LineEditor.formatColumns(["long-name", "x"], width: 5) == "long-name\nx\n")
  }
}

/// Serialized: each test sets up libedit, whose terminal code keeps global state.
@Suite(.serialized) struct LineEditorHistoryTests {
  private func temporaryPath() -> String {
    var template = Array("/tmp/rcadm-history-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer -> String in
      guard let base = buffer.baseAddress, let directory = mkdtemp(base) else { return "/tmp" }
      return String(cString: directory)
    }
    return path + "/history"
  }

  private func contents(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    while true {
      let byte = fgetc(file)
      if byte == EOF { break }
      bytes.append(UInt8(byte))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func defaultPath() {
    #expect(LineEditor.defaultHistoryPath(environment: ["HOME": "/home/u"]) == "/home/u/.rcadm_history")
    #expect(LineEditor.defaultHistoryPath(environment: ["HOME": "/root/"]) == "/root/.rcadm_history")
    #expect(
      LineEditor.defaultHistoryPath(environment: ["HOME": "/home/u", "RCADM_HISTFILE": "/tmp/h"]) == "/tmp/h")
    #expect(
      LineEditor.defaultHistoryPath(environment: ["HOME": "/home/u", "RCADM_HISTFILE": "/dev/null"]) == nil)
    #expect(
      LineEditor.defaultHistoryPath(environment: ["HOME": "/home/u", "RCADM_HISTFILE": ""])
        == "/home/u/.rcadm_history")
    #expect(LineEditor.defaultHistoryPath(environment: [:]) == nil)
  }

  @Test func escaping() {
    let entries = ["GET k", "SET k \"a\\nb\"", "multi\nline\r", "back\\slash", "héllo ✓"]
    let text = LineEditor.formatHistory(entries)
    #expect(text == "GET k\nSET k \"a\\\\nb\"\nmulti\\nline\\r\nback\\\\slash\nhéllo ✓\n")
    #expect(LineEditor.parseHistory(text) == entries)
    #expect(LineEditor.parseHistory("a\n\nb\\q\n") == ["a", "b\\q"])
  }

  @Test func onlyPersistedLinesReachTheFile() {
    let path = temporaryPath()
    let editor = LineEditor(historyFile: path)
    editor.addHistory("GET k", persist: true)
    editor.addHistory("AUTH secret", persist: false)
    editor.addHistory("SET k \"two\\nlines\"\n", persist: true)
    editor.addHistory("   ", persist: true)
    editor.close()
    #expect(contents(path) == "GET k\nSET k \"two\\\\nlines\"\n")
    #expect(LineEditor.loadHistoryFile(path) == ["GET k", "SET k \"two\\nlines\""])
  }

  @Test func sessionsAppendAndTrim() {
    let path = temporaryPath()
    let first = LineEditor(historyFile: path, historySize: 3)
    let second = LineEditor(historyFile: path, historySize: 3)
    first.addHistory("one", persist: true)
    second.addHistory("two", persist: true)
    second.addHistory("three", persist: true)
    first.close()
    second.close()
    #expect(LineEditor.loadHistoryFile(path) == ["one", "two", "three"])

    let third = LineEditor(historyFile: path, historySize: 3)
    third.addHistory("four", persist: true)
    third.addHistory("four", persist: true)
    third.close()
    #expect(LineEditor.loadHistoryFile(path) == ["two", "three", "four"])
  }

  @Test func nothingWrittenWithoutNewEntries() {
    let path = temporaryPath()
    let editor = LineEditor(historyFile: path)
    editor.addHistory("AUTH secret", persist: false)
    editor.close()
    #expect(contents(path) == nil)
  }

  @Test func fileIsPrivate() {
    let path = temporaryPath()
    let editor = LineEditor(historyFile: path)
    editor.addHistory("PING", persist: true)
    #expect(editor.saveHistory())
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    editor.close()
  }

  @Test func nonRegularFilesAreLeftAlone() {
    #expect(LineEditor.loadHistoryFile("/dev/null") == nil)
    #expect(!LineEditor.writeHistoryFile("/dev/null", entries: ["PING"]))
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
  }

  @Test func closedEditorReadsNothing() async {
    let editor = LineEditor(historyFile: nil)
    editor.close()
    editor.close()
    #expect(await editor.readLine(prompt: "> ") == .endOfInput)
  }
}
