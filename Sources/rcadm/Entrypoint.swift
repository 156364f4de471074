import RcadmCLI

@main
struct Entrypoint {
  static func main() async {
    await Rcadm.main()
  }
}
