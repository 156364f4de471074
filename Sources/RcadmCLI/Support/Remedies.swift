import RedisCore

/// The CLI's words for what the libraries suggest and the settings they name: flags and commands,
/// which only the CLI knows. Installed before a command runs, so every library message uses them.
let cliPhrasebook = Phrasebook(remedy: remedyText, setting: settingName)

func remedyText(_ remedy: Remedy) -> String {
  switch remedy {
  case .allowOverwrite: return "rerun with --replace to let the source's value win"
  case .allowUnreachableMasters: return "pass --fix-with-unreachable-masters (their keys are not considered)"
  case .removeNode: return "remove it with rcadm del-node"
  case .moveSlotsAway(let seed, let node, let slots):
    return "e.g. rcadm reshard \(redactedSeed(seed)) --from \(node) --to <master> --slots \(slots)"
  case .forceFailover: return "use --force (a majority of masters still votes) or --takeover"
  case .check: return "see 'rcadm check'"
  case .otherBasePort: return "choose another --base-port"
  case .stopSandbox: return "stop it with 'rcadm sandbox down' first"
  case .serverPath: return "pass --redis-server PATH"
  case .connectWithTLS: return "add --tls"
  case .connectWithoutTLS: return "drop --tls"
  case .trustTheCA: return "give the CA with --cacert or --cacertdir, or --insecure"
  case .skipVerification: return "--insecure skips verification"
  case .presentClientCertificate: return "pass --cert and --key"
  case .checkAnotherName:
    return "give the name to check with --sni, or drop --tls-verify-hostname to verify only the chain"
  case .givePassword: return "pass -a/--pass, --askpass, or set REDISCLI_AUTH"
  case .confirmInAdvance: return "rcadm runs it from piped input only with --yes"
  case .reachPodsDirectly: return "run rcadm where pod IPs are reachable (--kube-transport direct)"
  case .usePortForward: return "use --kube-transport port-forward"
  case .useTLSCapableTransport: return "use --kube-transport port-forward or direct (TLS end to end)"
  case .letPodsAuthenticate: return "use --kube-transport exec so the pod authenticates itself"
  case .giveSecretOrPassword: return "pass --kube-secret or -a"
  case .allowUnreadyPods: return "pass --kube-allow-unready to use running pods that are not Ready"
  case .kubectlPath: return "pass --kubectl PATH"
  case .kubeContext: return "pass --kube-context or k8s://CONTEXT/NAMESPACE/SELECTOR"
  case .remeet: return "run rcadm fix --remeet if its pod came back with a new IP"
  }
}

func settingName(_ setting: Setting) -> String {
  switch setting {
  case .caFile: return "--cacert"
  case .caDirectory: return "--cacertdir"
  case .clientCertificate: return "--cert"
  case .clientKey: return "--key"
  case .kubeSecret: return "--kube-secret"
  }
}

/// An error's sentence, followed by what the user can do about it when the error says.
func explain(_ error: any Error) -> String {
  let text = "\(error)"
  guard let suggesting = error as? any SuggestsRemedies, !suggesting.remedies.isEmpty else { return text }
  return text + "; " + suggesting.remedies.map(\.description).joined(separator: "; or ")
}
