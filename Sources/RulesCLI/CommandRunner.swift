// The process entry. ArgumentParser's own `main()` exits 64 (EX_USAGE) on a
// bad flag; leadrules promises 2 for every usage error, so parsing, running
// and error reporting are done here with the exit statuses of DESIGN.md.

import ArgumentParser

extension RulesCommand {
    /// Parses `arguments` (the process arguments when nil), runs the chosen
    /// subcommand and returns its exit status: 0 ok, 1 findings, 2 usage or input.
    public static func exitStatus(arguments: [String]? = nil) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.ok
        } catch let failure as CommandFailure {
            Console.err("rules: error: \(failure.message)\n")
            return failure.status
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let line = message.hasSuffix("\n") ? message : message + "\n"
                if code == .success { Console.out(line) } else { Console.err(line) }
            }
            return code == .validationFailure ? ExitStatus.usage : code.rawValue
        }
    }

    /// Runs the command line of this process and exits with its status.
    public static func runMain() async -> Never {
        Console.exitProcess(await exitStatus())
    }
}
