import Foundation
import TestCluster
import Testing

/// completions/ and man/ are generated from the command definitions; stale copies fail here.
@Suite struct DocsTests {
  @Test func completionsAndManPageAreFresh() throws {
    let r = try Run.program(
      Run.packageRoot + "/scripts/gen-docs.sh", ["--check"], env: ["RCADM_BIN": Run.rcadmPath])
    #expect(r.status == 0, "run scripts/gen-docs.sh and commit the result:\n\(r)")
  }

  @Test func bashCompletesHostPortWords() throws {
    let r = try Run.program(
      Run.packageRoot + "/scripts/test-bash-completion.sh", [], env: ["RCADM_BIN": Run.rcadmPath])
    #expect(r.status == 0, "\(r)")
  }
}
