using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Coffer.Cli.Commands;

/// <summary>Adds an "Examples:" section after every command's <c>--help</c>.</summary>
internal static class HelpExamples
{
    static readonly ConditionalWeakTable<Command, string[]> Table = [];

    public static T WithExamples<T>(this T command, params string[] examples)
        where T : Command
    {
        Table.AddOrUpdate(command, examples);
        return command;
    }

    public static IReadOnlyList<string> For(Command command) => Table.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>Wraps the help option of <paramref name="root"/> (it covers all subcommands).</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction action } help)
            {
                help.Action = new WithExamplesAction(action);
            }
        }
    }

    // System.CommandLine 3 keeps its help layout internal, so the examples follow the standard help.
    sealed class WithExamplesAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            var examples = For(parseResult.CommandResult.Command);
            if (examples.Count > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in examples)
                {
                    output.WriteLine("  " + example);
                }

                output.WriteLine();
            }

            return result;
        }
    }
}
