using System.Runtime.InteropServices;

namespace Coffer.Cli.Run;

/// <summary>kill(2): .NET's Process.Kill only sends SIGKILL, and forwarding needs the original signal.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    public static bool Signal(int pid, int signal) => !OperatingSystem.IsWindows() && KillNative(pid, signal) == 0;

    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    // SIGUSR1/2 differ between Linux and the BSDs; only forward them where the numbers are known.
    public static int? SigUsr1 => OperatingSystem.IsLinux() ? 10 : OperatingSystem.IsMacOS() ? 30 : null;
    public static int? SigUsr2 => OperatingSystem.IsLinux() ? 12 : OperatingSystem.IsMacOS() ? 31 : null;
}
