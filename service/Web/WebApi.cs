namespace WaiverDb.Service.Web;

/// <summary>The web side: pages, sign-in and their assets.</summary>
public static class WebApi
{
    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets();
        app.MapSignIn();
        app.MapNewWaiverPage();
        app.MapBrowsePages();
        app.MapPermissionsPage();
        return app;
    }
}
