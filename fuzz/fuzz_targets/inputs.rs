//! Every parser and normalizer that sees user input, on arbitrary text: none may panic, and
//! what they accept keeps its promises.

#![no_main]

use herlead_core::input::{
    DISPLAY_NAME_MAX_LEN, DisplayName, EMAIL_MAX_LEN, Email, Handle, HttpUrl, Note, Password,
    links_in, parse_tags, url_key,
};
use herlead_core::presence::text_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };

    if let Ok(email) = Email::parse("email", text) {
        assert!(email.as_str().chars().count() <= EMAIL_MAX_LEN);
        assert_eq!(email.as_str(), email.as_str().to_lowercase());
        // Parsing is idempotent.
        assert_eq!(Email::parse("email", email.as_str()).ok(), Some(email.clone()));
    }
    if let Ok(name) = DisplayName::parse("displayName", text) {
        assert!(name.as_str().chars().count() <= DISPLAY_NAME_MAX_LEN);
        assert_eq!(name.as_str(), name.as_str().trim());
        assert_eq!(DisplayName::parse("displayName", name.as_str()).ok(), Some(name.clone()));
    }
    if let Ok(handle) = Handle::parse("handle", text) {
        assert!(!handle.as_str().is_empty() && !handle.as_str().starts_with(char::is_whitespace));
    }
    if let Ok(url) = HttpUrl::parse("url", text) {
        assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
        assert!(url_key(url.as_str()).is_some(), "an accepted URL has a comparison key: {url}");
        assert_eq!(HttpUrl::parse("url", url.as_str()).ok().map(|u| u.key()), Some(url.key()));
    }
    let _ = url_key(text);
    for link in links_in(text) {
        let _ = url_key(&link);
    }
    let _ = Password::parse("password", text);
    let _ = Note::parse_optional("note", Some(text));
    let key = text_key(text);
    assert_eq!(text_key(&key), key, "text keys are stable");
    let tags: Vec<String> = text.split(',').map(str::to_owned).collect();
    if let Ok(parsed) = parse_tags("tags", &tags) {
        assert!(parsed.len() <= herlead_core::input::TAGS_MAX);
    }
});
