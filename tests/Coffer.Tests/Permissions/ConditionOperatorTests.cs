using System.Text.Json.Nodes;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>Each operator as ucast's interpreter applies it under CASL (checked against @casl/ability 6).</summary>
public class ConditionOperatorTests
{
    private static bool Allows(string conditionsJson, ISubjectFields fields, string subject = "secrets")
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse($$"""[{"subject":"{{subject}}","action":"read","conditions":{{conditionsJson}}}]"""));
        return PermissionSet.FromRules(rules).Can("read", subject, fields);
    }

    private static SubjectFields Env(string environment) => new(("environment", environment));

    private static SubjectFields Tags(params string[] tags) => new(("secretTags", FieldValue.FromList(tags)));

    [Theory]
    [InlineData("""{"environment":"dev"}""", "dev", true)]
    [InlineData("""{"environment":"dev"}""", "Dev", false)]
    [InlineData("""{"environment":{"$eq":"dev"}}""", "dev", true)]
    [InlineData("""{"environment":{"$eq":"dev"}}""", "prod", false)]
    [InlineData("""{"environment":{"$ne":"prod"}}""", "dev", true)]
    [InlineData("""{"environment":{"$ne":"prod"}}""", "prod", false)]
    [InlineData("""{"environment":{"$in":["dev","staging"]}}""", "staging", true)]
    [InlineData("""{"environment":{"$in":["dev","staging"]}}""", "prod", false)]
    [InlineData("""{"environment":{"$in":[]}}""", "dev", false)]
    [InlineData("""{"environment":{"$glob":"dev*"}}""", "dev-eu", true)]
    [InlineData("""{"environment":{"$glob":"dev*"}}""", "prod", false)]
    [InlineData("""{"environment":{"$glob":"{dev,staging}"}}""", "staging", true)]
    public void OperatorsOnAStringField(string conditions, string environment, bool expected) =>
        Assert.Equal(expected, Allows(conditions, Env(environment)));

    [Fact]
    public void OperatorsOnOneFieldAllHold()
    {
        const string conditions = """{"environment":{"$glob":"dev*","$ne":"dev-secret"}}""";
        Assert.True(Allows(conditions, Env("dev-eu")));
        Assert.False(Allows(conditions, Env("dev-secret")));
    }

    [Fact]
    public void FieldsAllHold()
    {
        const string conditions = """{"environment":"dev","secretPath":{"$glob":"/app/**"},"secretName":{"$in":["A","B"]}}""";
        Assert.True(Allows(conditions, SubjectFields.Secret("dev", "/app", "A")));
        Assert.True(Allows(conditions, SubjectFields.Secret("dev", "/app/x/y", "B")));
        Assert.False(Allows(conditions, SubjectFields.Secret("prod", "/app", "A")));
        Assert.False(Allows(conditions, SubjectFields.Secret("dev", "/other", "A")));
        Assert.False(Allows(conditions, SubjectFields.Secret("dev", "/app", "C")));
    }

    [Fact]
    public void AMissingFieldFailsEverythingButNotEqual()
    {
        var empty = new SubjectFields();
        Assert.False(Allows("""{"environment":"dev"}""", empty));
        Assert.False(Allows("""{"environment":{"$in":["dev"]}}""", empty));
        Assert.False(Allows("""{"environment":{"$glob":"*"}}""", empty));
        // ucast's $ne is "not $eq", and undefined is not "prod".
        Assert.True(Allows("""{"environment":{"$ne":"prod"}}""", empty));
    }

    [Fact]
    public void TagListsMatchWhenAnyTagQualifies()
    {
        const string conditions = """{"secretTags":{"$in":["pci","gdpr"]}}""";
        Assert.True(Allows(conditions, Tags("ops", "gdpr")));
        Assert.False(Allows(conditions, Tags("ops")));
        Assert.False(Allows(conditions, Tags()));
        Assert.False(Allows(conditions, new SubjectFields()));
    }

    [Fact]
    public void EqualityOnAListMeansContains()
    {
        // Infisical's schema only allows $in for tags, but other list fields follow ucast: $eq is "contains", $ne "does not contain".
        var rules = PermissionStorage.Unpack("""[["read","secrets",{"secretTags":"pci"}],["edit","secrets",{"secretTags":{"$ne":"pci"}}]]""");
        var set = PermissionSet.FromRules(rules);
        Assert.True(set.Can("read", "secrets", Tags("ops", "pci")));
        Assert.False(set.Can("read", "secrets", Tags("ops")));
        Assert.False(set.Can("edit", "secrets", Tags("ops", "pci")));
        Assert.True(set.Can("edit", "secrets", Tags("ops")));
    }

    [Fact]
    public void AnEmptyOperatorObjectMatchesNoObject()
    {
        // ucast compares the field with an empty object, which no string equals; the rule still counts for the bare type.
        Assert.False(Allows("""{"environment":{}}""", Env("dev")));
        Assert.False(Allows("""{"environment":{}}""", new SubjectFields()));
        var set = PermissionSet.FromRules(PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"secrets","action":"read","conditions":{"environment":{}}}]""")));
        Assert.True(set.Can("read", "secrets"));
    }

    [Fact]
    public void EmptyConditionsMatchEveryObject() => Assert.True(Allows("{}", Env("dev")));

    [Fact]
    public void IdentityConditions()
    {
        const string conditions = """{"identityId":{"$in":["a","b"]}}""";
        Assert.True(Allows(conditions, SubjectFields.Identity("a"), "identity"));
        Assert.False(Allows(conditions, SubjectFields.Identity("c"), "identity"));
    }

    [Fact]
    public void ElemMatchNeverMatchesFieldsCofferProvides()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"dynamic-secrets","action":"lease","conditions":{"metadata":{"$elemMatch":{"key":{"$eq":"team"}}}}}]
            """));
        var set = PermissionSet.FromRules(rules);
        Assert.False(set.Can("lease", "dynamic-secrets", new SubjectFields(("metadata", "team"))));
        Assert.True(set.Can("lease", "dynamic-secrets"));
    }
}
