import ArgumentParser
import GivingCLI

@main
struct Entrypoint {
  static func main() async {
    await Giving.runCommandLine()
  }
}
