// otter keys generate | show
#include "cli/command_context.h"
#include "cli/errors.h"
#include "cli/key_files.h"

namespace otter::cli {
namespace {

using nlohmann::json;

struct GenerateOptions {
  std::string type = "ed25519";
  std::string out;
};

struct ShowOptions {
  std::string file;
};

Status Generate(Context& context, const GenerateOptions& options) {
  OTTER_ASSIGN(const KeyType type, KeyTypeFromName(options.type));
  OTTER_ASSIGN(const GeneratedKey key, GenerateKeyFiles(type, options.out));
  context.Print({{"keyid", key.key_id},
                 {"keytype", KeyTypeName(type)},
                 {"private_key", key.private_path.string()},
                 {"public_key", key.public_path.string()}},
                key.key_id + "\n" + std::string(KeyTypeName(type)) + " key written to " +
                    key.private_path.string() + " (mode 0600); public key in " +
                    key.public_path.string());
  return Ok();
}

Status Show(Context& context, const ShowOptions& options) {
  OTTER_ASSIGN(const PublicKey key, LoadPublicKey(options.file));
  context.Print({{"keyid", key.KeyId()},
                 {"keytype", KeyTypeName(key.type())},
                 {"public_key", key.ToTufJson()}},
                key.KeyId() + "  " + std::string(KeyTypeName(key.type())));
  return Ok();
}

}  // namespace

void AddKeyCommands(CLI::App& app, Context& context) {
  CLI::App* keys = app.add_subcommand("keys", "signing keys kept on this machine");
  keys->require_subcommand(1);

  auto generate = std::make_shared<GenerateOptions>();
  CLI::App* gen = keys->add_subcommand("generate", "generate a key pair: FILE and FILE.pub");
  gen->add_option("--type", generate->type, "ed25519, ecdsa (P-256) or rsa (3072 bits)")
      ->check(CLI::IsMember({"ed25519", "ecdsa", "rsa"}))
      ->capture_default_str();
  gen->add_option("--out", generate->out, "private key file (PEM, mode 0600)")->required();
  OnParsed(gen, context, generate, &Generate);

  auto show = std::make_shared<ShowOptions>();
  CLI::App* shown = keys->add_subcommand("show", "print the key id of a key file");
  shown->add_option("FILE", show->file, "private key PEM, public key PEM or FILE.pub")->required();
  OnParsed(shown, context, show, &Show);
}

}  // namespace otter::cli
