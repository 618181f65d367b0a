namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// One-line results of the hardening suites (requests tried, 5xx seen, kills survived…), appended to a file that
/// scripts/test.sh prints at the end of the run, since a passing test's own output is not shown.
/// </summary>
public static class TestReport
{
    private static readonly Lock Gate = new();

    public static void Write(string suite, string line)
    {
        var dir = Environment.GetEnvironmentVariable("COFFER_TEST_REPORT_DIR");
        if (string.IsNullOrEmpty(dir)) return;
        var engine = TestDatabase.IsPostgres ? "postgresql" : "sqlite";
        lock (Gate)
        {
            Directory.CreateDirectory(dir);
            File.AppendAllText(Path.Combine(dir, "hardening-report.txt"), $"[{engine}] {suite}: {line}{Environment.NewLine}");
        }
    }
}
