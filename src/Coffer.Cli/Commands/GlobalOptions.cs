using System.CommandLine;

namespace Coffer.Cli.Commands;

/// <summary>Options that apply to every command (Infisical's persistent root flags).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Domain { get; } = CommonOptions.Domain();
    public Option<bool> Silent { get; } = CommonOptions.Silent();
}
