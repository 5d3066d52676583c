# Connector Portal: multi-stage build (SDK → ASP.NET Core runtime), non-root, data on a volume.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props Portal.csproj ./
COPY src/Simulator/Simulator.csproj src/Simulator/
RUN dotnet restore Portal.csproj
COPY . .
RUN dotnet publish Portal.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# SQLite database, Data Protection key ring and logs live on the volume; back /data up as one unit.
ENV Database__Path=/data/portal.db \
    DataProtection__KeysPath=/data/keys \
    Serilog__WriteTo__1__Args__path=/data/logs/portal-.log \
    Audit__AnchorFile=/data/logs/audit-anchors.jsonl \
    ASPNETCORE_URLS=http://+:8080
RUN mkdir -p /data && chown $APP_UID /data
VOLUME ["/data"]
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "Portal.dll", "--probe", "http://localhost:8080/health/live"]
ENTRYPOINT ["dotnet", "Portal.dll"]
