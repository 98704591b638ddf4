# demos/servers.conf.sh: how servers.sh starts each program of its table,
# sourced by it. start_PROGRAM SETTING writes the program's configuration
# into $DIR (the file to serve is $DIR/www/$SERVED), starts it in the lab's
# sending namespace on $ZCLAB_TX_IP:$PORT, in the foreground of its own
# (no daemon, no system service), and sets SERVER to the process zcviz -p
# watches: the program's first process, whose children it follows.

start_nginx() { # on | off: nginx's sendfile
	mkdir "$DIR/tmp"
	cat >"$DIR/nginx.conf" <<EOF
user root; # to read the file wherever it is
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/error.log;
events { worker_connections 16; }
http {
	access_log off;
	sendfile $1;
	default_type application/octet-stream;
	client_body_temp_path $DIR/tmp;
	proxy_temp_path $DIR/tmp;
	fastcgi_temp_path $DIR/tmp;
	uwsgi_temp_path $DIR/tmp;
	scgi_temp_path $DIR/tmp;
	server {
		listen $ZCLAB_TX_IP:$PORT;
		root $DIR/www;
	}
}
EOF
	in_tx nginx -c "$DIR/nginx.conf"
	SERVER=$!
}

start_apache2() { # sendfile | mmap | off
	local sendfile=Off mmap=Off mods=/usr/lib/apache2/modules m
	case $1 in
	sendfile) sendfile=On ;;
	mmap) mmap=On ;;
	esac
	{
		for m in mpm_event authz_core; do
			echo "LoadModule ${m}_module $mods/mod_$m.so"
		done
		cat <<EOF
ServerName zclab
Listen $ZCLAB_TX_IP:$PORT
PidFile $DIR/apache2.pid
ErrorLog $DIR/error.log
DefaultRuntimeDir $DIR
Mutex file:$DIR default
User www-data
Group www-data
DocumentRoot $DIR/www
<Directory $DIR/www>
	Require all granted
</Directory>
EnableSendfile $sendfile
EnableMMAP $mmap
EOF
	} >"$DIR/apache2.conf"
	in_tx apache2 -f "$DIR/apache2.conf" -DFOREGROUND
	SERVER=$!
}

start_lighttpd() { # sendfile | writev: its network backend
	cat >"$DIR/lighttpd.conf" <<EOF
server.document-root = "$DIR/www"
server.bind = "$ZCLAB_TX_IP"
server.port = $PORT
server.errorlog = "$DIR/error.log"
server.network-backend = "$1"
EOF
	in_tx lighttpd -D -f "$DIR/lighttpd.conf"
	SERVER=$!
}

# haproxy in front of a backend (python3's http.server, not watched) on
# another port of the same address: what the client gets is proxied
start_haproxy() { # splice | off
	local splice=""
	[ "$1" = splice ] && splice="option splice-response"
	cat >"$DIR/haproxy.cfg" <<EOF
global
	maxconn 16
defaults
	mode http
	timeout connect 5s
	timeout client 60s
	timeout server 60s
	$splice
frontend zclab
	bind $ZCLAB_TX_IP:$PORT
	default_backend files
backend files
	server b $ZCLAB_TX_IP:$BACKEND_PORT
EOF
	in_tx python3 -m http.server "$BACKEND_PORT" --bind "$ZCLAB_TX_IP" --directory "$DIR/www"
	BACKEND=$!
	in_tx haproxy -db -f "$DIR/haproxy.cfg"
	SERVER=$!
	listening "$BACKEND_PORT"
}

start_caddy() { # plain | gzip | gzip-binary
	local encode=""
	[ "$1" = plain ] || encode="encode gzip"
	cat >"$DIR/Caddyfile" <<EOF
{
	admin off
	auto_https off
	storage file_system $DIR/caddy
}
http://$ZCLAB_TX_IP:$PORT {
	root * $DIR/www
	file_server
	$encode
}
EOF
	XDG_DATA_HOME=$DIR XDG_CONFIG_HOME=$DIR HOME=$DIR \
		in_tx caddy run --config "$DIR/Caddyfile" --adapter caddyfile
	SERVER=$!
}

start_python3() { # http.server
	in_tx python3 -m http.server "$PORT" --bind "$ZCLAB_TX_IP" --directory "$DIR/www"
	SERVER=$!
}

# node's streams, as its documentation serves a file
start_node() { # pipe
	cat >"$DIR/serve.js" <<'EOF'
const fs = require('fs'), http = require('http');
const [file, port, host] = process.argv.slice(2);
http.createServer((req, res) => {
	res.setHeader('Content-Length', fs.statSync(file).size);
	fs.createReadStream(file).pipe(res);
}).listen(port, host);
EOF
	in_tx node "$DIR/serve.js" "$DIR/www/$SERVED" "$PORT" "$ZCLAB_TX_IP"
	SERVER=$!
}

# anonymous FTP from $DIR/www; each session is a process of its own
start_vsftpd() { # sendfile | off
	local yes=NO
	[ "$1" = sendfile ] && yes=YES
	cat >"$DIR/vsftpd.conf" <<EOF
listen=YES
listen_address=$ZCLAB_TX_IP
listen_port=$PORT
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$DIR/www
local_enable=NO
write_enable=NO
use_sendfile=$yes
xferlog_enable=NO
pasv_enable=YES
pasv_address=$ZCLAB_TX_IP
vsftpd_log_file=$DIR/vsftpd.log
EOF
	in_tx vsftpd "$DIR/vsftpd.conf"
	SERVER=$!
}
