fn main() {
    std::process::exit(msgpact::cli::main());
}
