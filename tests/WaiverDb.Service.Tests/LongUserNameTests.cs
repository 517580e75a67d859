using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Admin;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Waivers;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// User names longer than the waiver table's <c>username</c> and <c>proxied_by</c> columns
/// (255 characters). Every authentication method refuses such a name (401), so no revoke or
/// create reaches the database with one; and should a method ever let one through, the
/// revoke and the create (direct and proxied) answer a 400 naming the column, where the
/// database used to refuse the insert (a 500), and store nothing.
/// </summary>
public sealed class LongUserNameTests : ServiceFixture
{
    private static readonly string LongAdmin = "admin-" + new string('a', 250);
    private static readonly string LongSuperuser = "bodhi-" + new string('b', 250);

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["ADMINS"] = new JsonObject { ["users"] = new JsonArray(LongAdmin, "root") };
        settings["SUPERUSERS"] = new JsonArray(LongSuperuser);
    }

    [Fact]
    public async Task ARevokeOrCreateByANameOver255CharactersIsRefusedAtAuthenticationAndStoresNothing()
    {
        var waiver = await CreateAsync(WaiverBody());
        var before = await CountRowsAsync();
        using var admin = As(LongAdmin);

        using var revoke = await admin.PostAsync($"/api/v1.0/admin/waivers/{waiver["id"]}/revoke", Json("""{"reason": "wrong build"}"""));
        var (createStatus, createError) = await PostWaiversAsync(WaiverBody(), user: LongSuperuser);

        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
        Assert.Contains("at most 255 characters", (string?)(await ReadJsonAsync(revoke))["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, createStatus);
        Assert.Contains("at most 255 characters", (string?)createError["message"], StringComparison.Ordinal);
        Assert.Equal(before, await CountRowsAsync());
        Assert.Empty(Application.Log.Errors);
    }

    [Fact]
    public async Task ARevokeByAnAdminNamedOver255CharactersIsA400NamingUsernameAndStoresNothing()
    {
        var waiver = await CreateAsync(WaiverBody());
        var before = await CountRowsAsync();
        await using var scope = Application.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("""{"reason": "wrong build"}"""u8.ToArray());

        var result = await AdminApi.RevokeAsync((int)waiver["id"]!, context.Request, Principal(LongAdmin),
            scope.ServiceProvider.GetRequiredService<AdminStore>(), CancellationToken.None);

        var refused = Assert.IsType<BadRequest<ErrorResponse>>(result);
        Assert.Equal("The user name of the caller is longer than 255 characters, the most a waiver can record as username",
            (string?)refused.Value!.Message);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task AWaiverByACallerNamedOver255CharactersIsA400NamingUsernameOrProxiedByAndStoresNothing()
    {
        await using var scope = Application.Services.CreateAsyncScope();
        var creator = scope.ServiceProvider.GetRequiredService<WaiverCreator>();
        var request = new CreateWaiverRequest
        {
            SubjectType = "koji_build", SubjectIdentifier = "glibc-2.26-27.fc27", Testcase = "dist.rpmdeplint",
            ProductVersion = "fedora-27", Comment = "This is fine",
        };

        var own = await creator.CreateAsync([request], new CurrentUser(LongAdmin, []), CancellationToken.None);
        var proxied = await creator.CreateAsync([request with { Username = "packager" }], new CurrentUser(LongSuperuser, []), CancellationToken.None);
        var fits = await creator.CreateAsync([request], new CurrentUser(new string('n', 255), []), CancellationToken.None);

        Assert.Equal((400, "The user name of the caller is longer than 255 characters, the most a waiver can record as username"),
            (own.Status, (string?)own.Error!.Message));
        Assert.Equal((400, "The user name of the caller is longer than 255 characters, the most a waiver can record as proxied_by"),
            (proxied.Status, (string?)proxied.Error!.Message));
        Assert.Equal(201, fits.Status);
        Assert.Equal(1, await CountWaiversAsync());
    }

    private static ClaimsPrincipal Principal(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));

    private async Task<(long, long, long)> CountRowsAsync()
    {
        await using var db = OpenDatabase();
        return await db.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT count(*) FROM waiver), (SELECT count(*) FROM waiverdb_outbox), (SELECT count(*) FROM waiverdb_admin_audit)");
    }
}
