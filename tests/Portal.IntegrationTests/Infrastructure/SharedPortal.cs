using Portal.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(SharedPortal))]

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>One portal for the whole assembly; tests that need a private database start their own factory.</summary>
public sealed class SharedPortal : PortalAppFactory;
