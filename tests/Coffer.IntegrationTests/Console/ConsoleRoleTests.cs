using System.Net;
using System.Text.RegularExpressions;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>Project roles in the console: built-in roles in words, custom roles' JSON checked by the API's own reader.</summary>
public sealed partial class ConsoleRoleTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Built_in_roles_read_in_words_and_custom_role_errors_appear_next_to_the_json()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Roles");
        var page = $"/projects/{projectId}/roles";
        var admin = await OrgUsers.AdminUserTokenAsync(fx);

        var roles = await browser.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, roles.Status);
        Assert.Contains("<li>Can describeSecret, readValue secrets</li>", roles.Html);

        var notJson = await browser.SubmitAsync(page, "create-role", ("roleName", "Reader"), ("roleSlug", "reader"), ("permissions", "[{ oops"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notJson.Status);
        Assert.StartsWith("permissions: not valid JSON (", FieldError(notJson), StringComparison.Ordinal);
        Assert.Contains("[{ oops</textarea>", notJson.Html);
        Assert.Contains("value=\"Reader\"", notJson.Html);

        // A rule the API refuses is refused with the API's words.
        var bad = new[] { new { subject = "secrets", action = new[] { "fly" } } };
        var api = await fx.Api.PostAsync($"/api/v1/projects/{projectId}/roles", new { slug = "reader", name = "Reader", permissions = bad }, admin);
        Assert.Equal(422, api.Code);
        var refused = await browser.SubmitAsync(page, "create-role", ("roleName", "Reader"), ("roleSlug", "reader"),
            ("permissions", """[{ "subject": "secrets", "action": ["fly"] }]"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var issues = api.Json["message"]!.AsArray().Select(i => $"{string.Join('.', i!["path"]!.AsArray().Select(p => p!.ToString()))}: {i["message"]}");
        Assert.Equal(string.Join("; ", issues), FieldError(refused));

        var ok = await browser.SubmitAsync(page, "create-role", ("roleName", "Reader"), ("roleSlug", "reader"),
            ("permissions", """[{ "subject": "secrets", "action": ["describeSecret", "readValue"], "conditions": { "environment": "dev" } }]"""));
        Assert.Equal(HttpStatusCode.Found, ok.Status);
        var role = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/reader", admin);
        Expect.Ok(role);
        Assert.Equal("dev", role.Json["role"]!["permissions"]![0]!["conditions"]!["environment"]!.ToString());

        var roleId = role.Json["role"]!["id"]!.GetValue<string>();
        var edited = await browser.SubmitAsync(page, $"edit-{roleId}", ("permissions", """[{ "subject": "secrets", "action": ["describeSecret"] }]"""));
        Assert.Equal(HttpStatusCode.Found, edited.Status);
        var after = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/reader", admin);
        Assert.Equal("""["describeSecret"]""", after.Json["role"]!["permissions"]![0]!["action"]!.ToJsonString());
    }

    private static string? FieldError(ConsolePage page) =>
        FieldErrorPattern().Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("<p class=\"field-error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex FieldErrorPattern();
}
