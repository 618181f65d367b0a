namespace Coffer.Server.WebConsole;

/// <summary>A service's error in the words a person reads next to the form.</summary>
public static class ConsoleErrors
{
    public static string Describe(ApiException error) => error switch
    {
        ValidationException v when v.Issues.Count > 0 => string.Join("; ", v.Issues.Select(i =>
            i.Path.Count > 0 ? $"{string.Join('.', i.Path)}: {i.Message}" : i.Message)),
        _ => error.Message,
    };
}
