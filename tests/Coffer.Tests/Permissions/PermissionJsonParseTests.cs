using System.Text.Json.Nodes;
using Coffer.Server.Errors;
using Coffer.Server.Permissions;

namespace Coffer.Tests.Permissions;

/// <summary>
/// Expected issue arrays are zod 3's output for Infisical's schema (secrets, identity and role parts rebuilt in zod
/// and run on the same input), so a client reading Infisical's 422 bodies reads ours the same way.
/// </summary>
public class PermissionJsonParseTests
{
    private const string SecretActions = "'read' | 'describeSecret' | 'readValue' | 'create' | 'edit' | 'delete'";
    private const string SecretActionOptions = """["read","describeSecret","readValue","create","edit","delete"]""";

    private static JsonArray ProjectIssues(string permissionsJson)
    {
        var exception = Assert.Throws<ValidationException>(() => PermissionJson.ParseProject(JsonNode.Parse(permissionsJson)));
        Assert.Equal(422, exception.StatusCode);
        Assert.Equal("ValidationFailure", exception.Error);
        return JsonAssert.Issues(exception);
    }

    [Fact]
    public void UnknownActionIsAUnionOfBothBranches() =>
        JsonAssert.Equivalent($$"""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"received":"bogus","code":"invalid_enum_value","options":{{SecretActionOptions}},"path":["permissions",0,"action"],
                "message":"Invalid enum value. Expected {{SecretActions}}, received 'bogus'"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"array","received":"string","path":["permissions",0,"action"],"message":"Expected array, received string"}],"name":"ZodError"}],
             "path":["permissions",0,"action"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"bogus"}]"""));

    [Fact]
    public void EmptyActionListIsTooSmall() =>
        JsonAssert.Equivalent("""
            [{"code":"too_small","minimum":1,"type":"array","inclusive":true,"exact":false,
              "message":"Array must contain at least 1 element(s)","path":["permissions",0,"action"]}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":[]}]"""));

    [Fact]
    public void BadActionListElementsAreEachReported() =>
        JsonAssert.Equivalent($$"""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"expected":"{{SecretActions}}","received":"array","code":"invalid_type","path":["permissions",0,"action"],
                "message":"Expected {{SecretActions}}, received array"}],"name":"ZodError"},
              {"issues":[
                {"received":"x","code":"invalid_enum_value","options":{{SecretActionOptions}},"path":["permissions",0,"action",1],
                 "message":"Invalid enum value. Expected {{SecretActions}}, received 'x'"},
                {"received":5,"code":"invalid_enum_value","options":{{SecretActionOptions}},"path":["permissions",0,"action",2],
                 "message":"Invalid enum value. Expected {{SecretActions}}, received '5'"},
                {"expected":"{{SecretActions}}","received":"boolean","code":"invalid_type","path":["permissions",0,"action",3],
                 "message":"Expected {{SecretActions}}, received boolean"}],"name":"ZodError"}],
             "path":["permissions",0,"action"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":["read","x",5,true]}]"""));

    [Fact]
    public void MissingActionIsRequiredInBothBranches() =>
        JsonAssert.Equivalent($$"""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"expected":"{{SecretActions}}","received":"undefined","code":"invalid_type","path":["permissions",0,"action"],"message":"Required"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"array","received":"undefined","path":["permissions",0,"action"],"message":"Required"}],"name":"ZodError"}],
             "path":["permissions",0,"action"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"secrets"}]"""));

    [Fact]
    public void ActionValidityDependsOnTheSubject()
    {
        // grant-privileges exists for identity but not for role.
        PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"identity","action":"grant-privileges"}]"""));
        var issues = ProjectIssues("""[{"subject":"role","action":"grant-privileges"}]""");
        Assert.Equal("invalid_union", issues[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public void UnknownSubjectListsEverySubjectInInfisicalsOrder()
    {
        const string expected =
            "Invalid discriminator value. Expected 'secrets' | 'secret-folders' | 'secret-imports' | 'dynamic-secrets' | 'identity' | " +
            "'ssh-hosts' | 'pki-subscribers' | 'certificate-templates' | 'secret-rotation' | 'secret-syncs' | 'pki-syncs' | 'secret-events' | " +
            "'certificate-profiles' | 'certificate-authorities' | 'certificates' | 'secret-approval' | 'secret-rollback' | 'member' | 'groups' | " +
            "'role' | 'integrations' | 'webhooks' | 'service-tokens' | 'settings' | 'environments' | 'tags' | 'audit-logs' | 'ip-allowlist' | " +
            "'ssh-certificate-authorities' | 'ssh-certificates' | 'ssh-certificate-templates' | 'ssh-host-groups' | 'pki-alerts' | " +
            "'pki-collections' | 'workspace' | 'kms' | 'cmek' | 'kmip' | 'commits' | 'secret-scanning-data-sources' | " +
            "'secret-scanning-findings' | 'secret-scanning-configs' | 'app-connections' | 'pam-folders' | 'pam-resources' | 'pam-accounts' | " +
            "'pam-sessions' | 'approval-requests' | 'approval-request-grants'";
        foreach (var rule in new[] { """{"subject":"nope","action":"read"}""", """{"action":"read"}""", """{"subject":5,"action":"read"}""" })
        {
            var issue = ProjectIssues($"[{rule}]")[0]!;
            Assert.Equal("invalid_union_discriminator", issue["code"]!.GetValue<string>());
            Assert.Equal(expected, issue["message"]!.GetValue<string>());
            JsonAssert.Equivalent("""["permissions",0,"subject"]""", issue["path"]);
            Assert.Equal(49, issue["options"]!.AsArray().Count);
        }
    }

    [Fact]
    public void OrgSubjectsAreSeparateFromProjectSubjects()
    {
        var exception = Assert.Throws<ValidationException>(() => PermissionJson.ParseOrg(JsonNode.Parse("""[{"subject":"secrets","action":"read"}]""")));
        Assert.StartsWith("Invalid discriminator value. Expected 'workspace' | 'project' | 'role' | 'sub-organization' | 'member'", exception.Issues[0].Message);
        Assert.Single(PermissionJson.ParseOrg(JsonNode.Parse("""[{"subject":"identity","action":["read","grant-privileges"]}]""")));
    }

    [Theory]
    [InlineData("""["x"]""", """[{"code":"invalid_type","expected":"object","received":"string","path":["permissions",0],"message":"Expected object, received string"}]""")]
    [InlineData("""{}""", """[{"code":"invalid_type","expected":"array","received":"object","path":["permissions"],"message":"Expected array, received object"}]""")]
    public void WrongContainerTypes(string permissions, string expected) => JsonAssert.Equivalent(expected, ProjectIssues(permissions));

    [Fact]
    public void MissingPermissionsIsRequired()
    {
        var exception = Assert.Throws<ValidationException>(() => PermissionJson.ParseProject(null));
        JsonAssert.Equivalent(
            """[{"code":"invalid_type","expected":"array","received":"undefined","path":["permissions"],"message":"Required"}]""",
            JsonAssert.Issues(exception));
    }

    [Fact]
    public void SecretPathShorthandMustStartWithSlash() =>
        JsonAssert.Equivalent("""
            [{"code":"custom","message":"Invalid Secret Path; it must start with a '/'","path":["permissions",0,"conditions","secretPath"]}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"secretPath":"app"}}]"""));

    [Fact]
    public void SecretPathOperatorsMustStartWithSlashExceptGlob() =>
        JsonAssert.Equivalent("""
            [{"code":"custom","message":"Invalid Secret Path; it must start with a '/'","path":["permissions",0,"conditions","secretPath","$eq"]},
             {"code":"custom","message":"Invalid Secret Path; it must start with a '/'","path":["permissions",0,"conditions","secretPath","$in"]}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"secretPath":{"$eq":"app","$ne":"/ok","$in":["/a","b"],"$glob":"app/**"}}}]"""));

    [Fact]
    public void SecretPathRuleAppliesToFoldersToo() =>
        Assert.Equal(PermissionJson.SecretPathMissingSlash,
            ProjectIssues("""[{"subject":"secret-folders","action":"read","conditions":{"secretPath":{"$ne":"x"}}}]""")[0]!["message"]!.GetValue<string>());

    [Fact]
    public void ConditionOfWrongTypeIsAUnion() =>
        JsonAssert.Equivalent("""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"code":"invalid_type","expected":"string","received":"number","path":["permissions",0,"conditions","secretPath"],"message":"Expected string, received number"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"object","received":"number","path":["permissions",0,"conditions","secretPath"],"message":"Expected object, received number"}],"name":"ZodError"}],
             "path":["permissions",0,"conditions","secretPath"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"secretPath":5}}]"""));

    [Fact]
    public void OperatorOfWrongTypeIsAUnionWithTheOperatorPath() =>
        JsonAssert.Equivalent("""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"code":"invalid_type","expected":"string","received":"object","path":["permissions",0,"conditions","environment"],"message":"Expected string, received object"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"string","received":"number","path":["permissions",0,"conditions","environment","$eq"],"message":"Expected string, received number"}],"name":"ZodError"}],
             "path":["permissions",0,"conditions","environment"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"environment":{"$eq":5}}}]"""));

    [Fact]
    public void InOperatorNeedsAnArrayOfStrings()
    {
        JsonAssert.Equivalent("""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"code":"invalid_type","expected":"string","received":"object","path":["permissions",0,"conditions","identityId"],"message":"Expected string, received object"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"array","received":"string","path":["permissions",0,"conditions","identityId","$in"],"message":"Expected array, received string"}],"name":"ZodError"}],
             "path":["permissions",0,"conditions","identityId"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"identity","action":"read","conditions":{"identityId":{"$in":"abc"}}}]"""));
        JsonAssert.Equivalent("""
            [{"code":"invalid_union","unionErrors":[
              {"issues":[{"code":"invalid_type","expected":"string","received":"object","path":["permissions",0,"conditions","identityId"],"message":"Expected string, received object"}],"name":"ZodError"},
              {"issues":[{"code":"invalid_type","expected":"string","received":"number","path":["permissions",0,"conditions","identityId","$in",1],"message":"Expected string, received number"}],"name":"ZodError"}],
             "path":["permissions",0,"conditions","identityId"],"message":"Invalid input"}]
            """,
            ProjectIssues("""[{"subject":"identity","action":"read","conditions":{"identityId":{"$in":["a",1]}}}]"""));
    }

    [Fact]
    public void InvertedMustBeBooleanAndConditionsAnObject() =>
        JsonAssert.Equivalent("""
            [{"code":"invalid_type","expected":"boolean","received":"string","path":["permissions",0,"inverted"],"message":"Expected boolean, received string"},
             {"code":"invalid_type","expected":"object","received":"null","path":["permissions",0,"conditions"],"message":"Expected object, received null"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","inverted":"yes","conditions":null}]"""));

    [Fact]
    public void SecretTagsTakeOnlyAnOperatorObject() =>
        JsonAssert.Equivalent("""
            [{"code":"invalid_type","expected":"object","received":"string","path":["permissions",0,"conditions","secretTags"],"message":"Expected object, received string"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"secretTags":"a"}}]"""));

    [Fact]
    public void IssuesCarryTheIndexOfTheBadRule()
    {
        var issue = ProjectIssues("""[{"subject":"role","action":"read"},{"subject":"identity","action":["read","fly"]}]""")[0]!;
        JsonAssert.Equivalent("""["permissions",1,"action"]""", issue["path"]);
        JsonAssert.Equivalent("""["permissions",1,"action",1]""", issue["unionErrors"]![1]!["issues"]![0]!["path"]);
    }

    [Fact]
    public void IssuePathCanBePlacedInsideALargerBody()
    {
        var validation = PermissionJson.ValidateProject(JsonNode.Parse("""[{"subject":"secrets","action":"read","conditions":{"secretPath":"x"}}]"""), ["privilege", "permissions"]);
        Assert.Equal(["privilege", "permissions", 0, "conditions", "secretPath"], validation.Issues[0].Path);
        Assert.False(validation.Aborted);
    }

    // Coffer refuses what zod would silently strip when stripping changes what the rule grants.
    [Fact]
    public void UnknownConditionFieldsAreRejectedNotStripped() =>
        JsonAssert.Equivalent("""
            [{"code":"unrecognized_keys","keys":["enviroment"],"path":["permissions",0,"conditions"],"message":"Unrecognized key(s) in object: 'enviroment'"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"enviroment":"prod"}}]"""));

    [Fact]
    public void UnknownOperatorsAreRejectedNotStripped()
    {
        JsonAssert.Equivalent("""
            [{"code":"unrecognized_keys","keys":["$regex"],"path":["permissions",0,"conditions","environment"],"message":"Unrecognized key(s) in object: '$regex'"}]
            """,
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"environment":{"$regex":".*"}}}]"""));
        // Folders never had $glob on environment.
        Assert.Equal("unrecognized_keys",
            ProjectIssues("""[{"subject":"secret-folders","action":"read","conditions":{"environment":{"$glob":"d*"}}}]""")[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public void InvertedOrConditionsOnASubjectWithoutThemAreRejected()
    {
        JsonAssert.Equivalent("""
            [{"code":"custom","message":"Inverted rules are not supported for subject 'role'","path":["permissions",0,"inverted"]}]
            """,
            ProjectIssues("""[{"subject":"role","action":"read","inverted":true}]"""));
        JsonAssert.Equivalent("""
            [{"code":"custom","message":"Conditions are not supported for subject 'role'","path":["permissions",0,"conditions"]}]
            """,
            ProjectIssues("""[{"subject":"role","action":"read","conditions":{"x":"y"}}]"""));
    }

    [Fact]
    public void WhatTheInfisicalUiSendsForPlainSubjectsIsAccepted()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"role","action":["read"],"inverted":false},{"subject":"tags","action":"read","conditions":{}},{"subject":"kms","action":"edit","fields":["x"],"reason":"r"}]
            """));
        Assert.All(rules, rule => Assert.Null(rule.Conditions));
        Assert.All(rules, rule => Assert.False(rule.Inverted));
    }

    [Fact]
    public void EmptyGlobIsRejected() =>
        Assert.Equal("Invalid glob pattern",
            ProjectIssues("""[{"subject":"secrets","action":"read","conditions":{"secretName":{"$glob":""}}}]""")[0]!["message"]!.GetValue<string>());

    [Fact]
    public void DynamicSecretMetadataTakesElemMatch()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"dynamic-secrets","action":"lease","conditions":{"metadata":{"$elemMatch":{"key":{"$eq":"team"},"value":{"$in":["a"]}}}}}]
            """));
        JsonAssert.Equivalent("""{"metadata":{"$elemMatch":{"key":{"$eq":"team"},"value":{"$in":["a"]}}}}""", rules[0].Conditions!.ToJson());
        Assert.Equal("invalid_type",
            ProjectIssues("""[{"subject":"dynamic-secrets","action":"lease","conditions":{"metadata":{}}}]""")[0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public void ValidRulesParseIntoNormalisedRules()
    {
        var rules = PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"secrets","action":"read","conditions":{"secretName":"A","environment":{"$in":["dev","prod"]},"secretPath":{"$glob":"/app/**"}},"inverted":false},
             {"subject":"identity","action":["read","edit"],"inverted":true,"conditions":{"identityId":{"$ne":"x"}}}]
            """));

        Assert.Equal(2, rules.Count);
        Assert.Equal(ProjectSubject.Secrets, rules[0].Subject);
        Assert.Equal(["read"], rules[0].Actions);
        Assert.False(rules[0].Inverted);
        Assert.True(rules[1].Inverted);
        // zod's output, packed and unpacked by CASL and passed through UnpackedPermissionSchema, as role responses show it.
        Assert.Equal(
            """[{"subject":"secrets","action":["read"],"conditions":{"environment":{"$in":["dev","prod"]},"secretPath":{"$glob":"/app/**"},"secretName":"A"},"inverted":false},""" +
            """{"subject":"identity","action":["read","edit"],"conditions":{"identityId":{"$ne":"x"}},"inverted":true}]""",
            PermissionJson.ToUnpackedJson(rules).ToJsonString());
    }

    [Theory]
    [InlineData("""["read","readValue"]""", "Read Value")]
    [InlineData("""["describeSecret","read"]""", "Describe Secret")]
    [InlineData("""["read","describeSecret","readValue"]""", "both Read Value and Describe Secret")]
    public void LegacyReadMixedWithItsReplacementsIsA400(string actions, string selected)
    {
        var exception = Assert.Throws<BadRequestException>(() =>
            PermissionJson.ParseProject(JsonNode.Parse($$"""[{"subject":"role","action":"read"},{"subject":"secrets","action":{{actions}}}]""")));
        Assert.Equal(400, exception.StatusCode);
        Assert.Equal("BadRequest", exception.Error);
        Assert.Equal(
            $"You have selected Read, and {selected}. You cannot select Read Value or Describe Secret if you have selected Read. " +
            "The Read permission is a legacy action which has been replaced by Describe Secret and Read Value.",
            exception.Message);
    }

    [Fact]
    public void LegacyReadAloneOrOnOtherSubjectsIsFine()
    {
        var legacy = PermissionJson.ParseProject(
            JsonNode.Parse("""[{"subject":"secrets","action":["read","create"]},{"subject":"secret-folders","action":["read"]}]"""));
        var current = PermissionJson.ParseProject(JsonNode.Parse("""[{"subject":"secrets","action":["readValue","describeSecret"]}]"""));

        // Accepted and kept as written: no refusal, no action dropped or rewritten.
        Assert.Equal(["secrets:read,create", "secret-folders:read"], legacy.Select(r => $"{r.Subject}:{string.Join(',', r.Actions)}"));
        Assert.Equal(["secrets:readValue,describeSecret"], current.Select(r => $"{r.Subject}:{string.Join(',', r.Actions)}"));
    }

    [Fact]
    public void LegacyReadCheckRunsWhenOnlyRefinementsFailedAsInZod()
    {
        // zod still runs the array refinement when the only issues are refinement failures, so Infisical answers 400 here.
        Assert.Throws<BadRequestException>(() => PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"secrets","action":"read","conditions":{"secretPath":"nope"}},{"subject":"secrets","action":["read","readValue"]}]
            """)));
        // A type error makes zod drop the value, so the refinement never runs and the answer is 422.
        Assert.Throws<ValidationException>(() => PermissionJson.ParseProject(JsonNode.Parse("""
            [{"subject":"secrets","action":"fly"},{"subject":"secrets","action":["read","readValue"]}]
            """)));
    }

    [Fact]
    public void OrgRulesSkipTheLegacyReadCheck() =>
        Assert.Single(PermissionJson.ParseOrg(JsonNode.Parse("""[{"subject":"member","action":["read","edit"]}]""")));
}
