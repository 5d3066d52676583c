using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Configurations;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(Portal.Features.Users.CreateUserModel.DisplayNameMaxLength).IsRequired();
        builder.Property(u => u.Theme).HasConversion<string>().HasMaxLength(10);
    }
}
