namespace Coffer.Server.Data;

/// <summary>
/// The data folder holds the database and, in development, the keys: only the account Coffer runs as may read it.
/// Folders are made (or tightened to) 0700 and files 0600; SQLite creates its WAL and shared-memory files with the
/// mode of the database file, so creating that file 0600 first covers them too. No-ops on Windows.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder 0700, or tightens an existing one to 0700.</summary>
    public static void EnsureFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (Directory.Exists(path)) File.SetUnixFileMode(path, FolderMode);
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Tightens existing files to 0600 (a database written by an earlier release, its WAL and shared memory).</summary>
    public static void Tighten(params string[] paths)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var path in paths)
            if (File.Exists(path)) File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Creates an empty file 0600 unless it exists (an empty file is an empty SQLite database).</summary>
    public static void CreateEmpty(string path)
    {
        if (File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its mode is tightened by Tighten.
        }
    }

    /// <summary>Options for a file Coffer writes itself, created 0600.</summary>
    public static FileStreamOptions Options(System.IO.FileMode mode, FileAccess access, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows() && mode is System.IO.FileMode.CreateNew or System.IO.FileMode.Create or System.IO.FileMode.OpenOrCreate)
            options.UnixCreateMode = FileMode;
        return options;
    }
}
