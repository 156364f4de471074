/// Lines from libedit on a terminal, with history and Tab completion.
public struct EditorLines: LineSource {
  let editor: LineEditor

  public init(editor: LineEditor) {
    self.editor = editor
  }

  public func read(prompt: String) async -> ShellInput {
    switch await editor.readLine(prompt: prompt) {
    case .line(let text): return .line(text)
    case .interrupted: return .interrupted
    case .endOfInput: return .endOfInput
    }
  }

  public func remember(_ line: String, persist: Bool) {
    editor.addHistory(line, persist: persist)
  }
}
