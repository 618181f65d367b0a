using System.Net;
using System.Text.RegularExpressions;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A browser's view of the console without a browser: a cookie jar, no automatic redirects, and forms posted the way
/// a page submits them (the form's handler name and the antiforgery token read from the page).
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<ConsolePage> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return await ConsolePage.ReadAsync(response);
    }

    /// <summary>Loads <paramref name="page"/>, then posts its form <paramref name="form"/> with these fields.</summary>
    public async Task<ConsolePage> SubmitAsync(string page, string form, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var loaded = await GetAsync(page);
        Assert.True(loaded.Status == HttpStatusCode.OK, $"GET {page} answered {(int)loaded.Status}");
        var token = loaded.AntiforgeryToken ?? throw new InvalidOperationException($"{page} has no antiforgery token");
        return await PostAsync(page, [new("_handler", form), new("__RequestVerificationToken", token), .. fields]);
    }

    public Task<ConsolePage> SubmitAsync(string page, string form, params (string Name, string Value)[] fields) =>
        SubmitAsync(page, form, fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>Posts exactly these fields (no token unless given): what a forged or crafted request sends.</summary>
    public async Task<ConsolePage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        return await ConsolePage.ReadAsync(response);
    }

    /// <summary>Signs in through the console's form; the cookie jar then holds the session.</summary>
    public async Task SignInAsync(string email = Given.AdminEmail, string password = Given.AdminPassword)
    {
        var page = await SubmitAsync("/login", "signin", ("Input.Email", email), ("Input.Password", password));
        Assert.Equal(HttpStatusCode.Found, page.Status);
    }

    /// <summary>Creates a project (with the default environments) through the projects page; returns its id.</summary>
    public async Task<string> CreateProjectAsync(string name)
    {
        var created = await SubmitAsync("/projects", "create-project", ("Input.Name", name), ("Input.DefaultEnvironments", "True"));
        Assert.Equal(HttpStatusCode.Found, created.Status);
        return created.Location!.Segments[^1];
    }

    public string? SessionCookie => Cookies.GetCookies(BaseAddress)["coffer_session"]?.Value;

    public void Dispose() => _http.Dispose();
}

/// <summary>One console response: status, headers, body, and what tests look for in it.</summary>
public sealed partial class ConsolePage
{
    public required HttpStatusCode Status { get; init; }
    public required string Html { get; init; }
    public required Uri? Location { get; init; }
    public required System.Net.Http.Headers.HttpResponseHeaders Headers { get; init; }
    public required IReadOnlyList<string> SetCookies { get; init; }

    public string? AntiforgeryToken => TokenPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The text of the page's error box, decoded.</summary>
    public string? ErrorText => ErrorPattern().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    internal static async Task<ConsolePage> ReadAsync(HttpResponseMessage response) => new()
    {
        Status = response.StatusCode,
        Html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
        Location = response.Headers.Location,
        Headers = response.Headers,
        SetCookies = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToList() : [],
    };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<p class=\"error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex ErrorPattern();
}
