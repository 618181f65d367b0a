// The CLI's process behaviour under test (signals, file modes, /bin/sh) is POSIX; CI runs Linux.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
