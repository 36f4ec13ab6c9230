// otter fleet credentials | device create
#include "cli/bundle.h"
#include "cli/command_context.h"
#include "cli/errors.h"

namespace otter::cli {
namespace {

using nlohmann::json;

struct FleetOptions {
  std::string out = "fleet.tar.gz";
  std::string name = "fleet";
  int days = 3650;
};

struct DeviceOptions {
  std::string device_id;
  std::string out;
};

void WarnMissingRoots(const Context& context, const CredentialBundle& bundle) {
  if (!bundle.image_root)
    context.Note(
        "warning: the Image repository has no root yet (otter repo init); the bundle "
        "has no image-root.json");
  if (!bundle.director_root)
    context.Note(
        "warning: the server sent no Director root; the bundle has no "
        "director-root.json");
}

Status Finish(Context& context, const CredentialBundle& bundle, const std::string& out) {
  WarnMissingRoots(context, bundle);
  OTTER_TRY(WriteBundleFile(bundle, out));
  json files = json::array();
  std::string human = out + " (mode 0600):";
  for (const ArchiveEntry& entry : BundleEntries(bundle)) {
    files.push_back(entry.path);
    human += " " + entry.path;
  }
  context.Print({{"file", out},
                 {"kind", bundle.kind == BundleKind::kFleet ? "fleet" : "device"},
                 {"name", bundle.name},
                 {"gateway_url", bundle.gateway_url},
                 {"files", files}},
                human);
  return Ok();
}

Status FleetCredentials(Context& context, const FleetOptions& options) {
  OTTER_ASSIGN(AdminClient client, context.Client());
  OTTER_ASSIGN(const json answer,
               client.SendJson("POST", "/api/v1/fleet/credentials",
                               {{"name", options.name}, {"days", options.days}}));
  OTTER_ASSIGN(const CredentialBundle bundle,
               BundleFromAnswer(answer, BundleKind::kFleet, options.name));
  return Finish(context, bundle, options.out);
}

Status CreateDevice(Context& context, const DeviceOptions& options) {
  const std::string out = options.out.empty() ? options.device_id + ".tar.gz" : options.out;
  OTTER_ASSIGN(AdminClient client, context.Client());
  auto answer = client.SendJson("POST", "/api/v1/devices", {{"deviceId", options.device_id}});
  if (!answer && answer.error().Is(CliErrc::kConflict))
    return std::move(answer).error().WithContext("device " + options.device_id);
  if (!answer) return std::move(answer).error();
  OTTER_ASSIGN(const CredentialBundle bundle,
               BundleFromAnswer(*answer, BundleKind::kDevice, options.device_id));
  return Finish(context, bundle, out);
}

}  // namespace

void AddProvisioningCommands(CLI::App& app, Context& context) {
  CLI::App* fleet = app.add_subcommand("fleet", "fleet-wide provisioning");
  fleet->require_subcommand(1);
  auto fleet_options = std::make_shared<FleetOptions>();
  CLI::App* credentials = fleet->add_subcommand(
      "credentials", "write the provisioning bundle devices register themselves with");
  credentials->add_option("--out", fleet_options->out, "bundle file (.tar.gz)")
      ->capture_default_str();
  credentials->add_option("--name", fleet_options->name, "credential name (certificate CN)")
      ->capture_default_str();
  credentials->add_option("--days", fleet_options->days, "certificate lifetime in days")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  OnParsed(credentials, context, fleet_options, &FleetCredentials);

  CLI::App* device = app.add_subcommand("device", "one device");
  device->require_subcommand(1);
  auto device_options = std::make_shared<DeviceOptions>();
  CLI::App* create = device->add_subcommand(
      "create", "register a device and write its credentials bundle (factory flashing)");
  create->add_option("ID", device_options->device_id, "device id")->required();
  create->add_option("--out", device_options->out, "bundle file (default: ID.tar.gz)");
  OnParsed(create, context, device_options, &CreateDevice);
}

}  // namespace otter::cli
